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
}
