using DompetKilat.Lending.Borrowers;
using Microsoft.EntityFrameworkCore;

namespace DompetKilat.Lending.Data.PersonalData;

/// <summary>Borrowers found by what identifies them, through their blind indexes; an erased borrower has none and is never found.</summary>
public static class BorrowerQueries
{
    public static IQueryable<Borrower> HavingIdNumber(this IQueryable<Borrower> borrowers, BlindIndex index, string idNumber)
    {
        var value = index.IdNumber(idNumber);
        return borrowers.Where(b => EF.Property<byte[]>(b, BorrowerColumns.IdNumberIndex) == value);
    }

    /// <summary>The borrowers holding any of this NIK, phone number or email: the ones a registration of them would collide with.</summary>
    public static IQueryable<Borrower> HavingAnyOf(this IQueryable<Borrower> borrowers, BlindIndex index, string idNumber, string phoneNumber, string email)
    {
        var (idNumberValue, phoneValue, emailValue) = (index.IdNumber(idNumber), index.PhoneNumber(phoneNumber), index.Email(email));
        return borrowers.Where(b => EF.Property<byte[]>(b, BorrowerColumns.IdNumberIndex) == idNumberValue
                                    || EF.Property<byte[]>(b, BorrowerColumns.PhoneNumberIndex) == phoneValue
                                    || EF.Property<byte[]>(b, BorrowerColumns.EmailIndex) == emailValue);
    }
}
