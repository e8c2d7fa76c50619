using DompetKilat.Lending.Borrowers;
using DompetKilat.Lending.Loans;
using Microsoft.EntityFrameworkCore;

namespace DompetKilat.Lending.Data.PersonalData;

/// <summary>
/// Erasing a borrower's personal data (API-CONTRACT §12), for the back office's request and the
/// retention rule alike: the borrower decides (<see cref="Borrower.Erase"/>), its photos' row goes,
/// and the save destroys both wrapped copies of its data key with its sealed values and blind
/// indexes (crypto-shredding: a backup taken before holds ciphertext no key opens any more once the
/// master key that wrapped it is retired). Its loans keep their money history.
/// </summary>
public static class BorrowerErasure
{
    /// <summary>
    /// Erases one borrower in the caller's transaction; the caller saves (with its audit entry) and
    /// commits. The borrower's row stays locked until then, so of two erasures at once the second
    /// finds it erased, and a loan application waiting on the row finds no borrower by that NIK.
    /// Null when there is no such borrower.
    /// </summary>
    public static async Task<(ErasureOutcome Outcome, Borrower Borrower, IReadOnlyList<Loan> Loans)?> EraseAsync(
        LendingDbContext db, long borrowerId, DateTime now, CancellationToken cancellationToken)
    {
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("A borrower is erased in a transaction: its row stays locked until the erasure commits.");
        }

        var borrower = await db.Borrowers.FromSql($"SELECT * FROM borrowers WHERE id = {borrowerId} FOR UPDATE").SingleOrDefaultAsync(cancellationToken);
        if (borrower is null)
        {
            return null;
        }

        var loans = await db.Loans.AsNoTracking().Where(l => l.BorrowerId == borrowerId).OrderBy(l => l.Id).ToListAsync(cancellationToken);
        var outcome = borrower.Erase(loans, now);
        if (outcome == ErasureOutcome.Erased)
        {
            await db.Set<BorrowerDocuments>().Where(d => d.Id == borrowerId).ExecuteDeleteAsync(cancellationToken);
        }

        return (outcome, borrower, loans);
    }
}
