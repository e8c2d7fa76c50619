using DompetKilat.Lending.Borrowers;
using DompetKilat.Lending.Data.PersonalData;
using Microsoft.EntityFrameworkCore;

namespace DompetKilat.Tests.Infrastructure;

public static class StoredBorrowers
{
    /// <summary>The stored borrowers holding any of this NIK, phone number or email: the ones a registration of them would collide with.</summary>
    public static IQueryable<Borrower> HavingAnyOf(this IQueryable<Borrower> borrowers, BlindIndex index, string idNumber, string phoneNumber, string email)
    {
        var (idNumberValue, phoneValue, emailValue) = (index.IdNumber(idNumber), index.PhoneNumber(phoneNumber), index.Email(email));
        return borrowers.Where(b => EF.Property<byte[]>(b, BorrowerColumns.IdNumberIndex) == idNumberValue
                                    || EF.Property<byte[]>(b, BorrowerColumns.PhoneNumberIndex) == phoneValue
                                    || EF.Property<byte[]>(b, BorrowerColumns.EmailIndex) == emailValue);
    }
}
