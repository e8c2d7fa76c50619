using DompetKilat.Domain.Borrowers;
using DompetKilat.Domain.Loans;
using DompetKilat.Domain.Persistence;
using Microsoft.EntityFrameworkCore;

namespace DompetKilat.Api.Borrowers;

/// <summary>
/// The partners' hot read, as two statements translated once rather than on every request. One
/// statement with the latest loan as a subquery was measured slower: PostgreSQL numbered every
/// loan of every borrower to pick one.
/// </summary>
public static class BorrowerProfileQuery
{
    private static readonly Func<LendingDbContext, string, int, CancellationToken, Task<Borrower?>> BorrowerByIdNumber =
        EF.CompileAsyncQuery((LendingDbContext db, string idNumber, int partnerId, CancellationToken _) =>
            db.Borrowers.AsNoTracking().Include(b => b.Product).SingleOrDefault(b => b.IdNumber == idNumber && b.PartnerId == partnerId));

    private static readonly Func<LendingDbContext, string, CancellationToken, Task<long?>> IdOfAnyPartner =
        EF.CompileAsyncQuery((LendingDbContext db, string idNumber, CancellationToken _) =>
            db.Borrowers.Where(b => b.IdNumber == idNumber).Select(b => (long?)b.Id).SingleOrDefault());

    private static readonly Func<LendingDbContext, long, CancellationToken, Task<LatestLoanTerms?>> LatestLoanOf =
        EF.CompileAsyncQuery((LendingDbContext db, long borrowerId, CancellationToken _) =>
            db.Loans.AsNoTracking()
                .Where(l => l.BorrowerId == borrowerId)
                .OrderByDescending(l => l.CreatedAt).ThenByDescending(l => l.Id)
                .Select(l => new LatestLoanTerms(
                    l.Plafons, l.Tenor, l.TenorUnit, l.Amount, l.ContractNo, l.ContractDate, l.Interest, l.References))
                .FirstOrDefault());

    /// <summary>The profile of the partner's own borrower with this NIK; another partner's borrower is not found.</summary>
    public static async Task<BorrowerProfileRow?> FindAsync(LendingDbContext db, string idNumber, int partnerId, CancellationToken cancellationToken)
    {
        if (await BorrowerByIdNumber(db, idNumber, partnerId, cancellationToken) is not { } borrower)
        {
            return null;
        }

        return new BorrowerProfileRow(borrower, await LatestLoanOf(db, borrower.Id, cancellationToken));
    }

    /// <summary>
    /// Which borrower a NIK belongs to, whoever its partner: only for the audit trail of a refused
    /// look, so the trail shows strangers' attempts too. Unknown and foreign NIKs both cost this query.
    /// </summary>
    public static Task<long?> FindIdOfAnyPartnerAsync(LendingDbContext db, string idNumber, CancellationToken cancellationToken) =>
        IdOfAnyPartner(db, idNumber, cancellationToken);
}

public sealed record BorrowerProfileRow(Borrower Borrower, LatestLoanTerms? LatestLoan);

/// <summary>What the profile shows of the latest loan; its repayment history stays in the database.</summary>
public sealed record LatestLoanTerms(
    long Plafons, int Tenor, string TenorUnit, long Amount, string ContractNo, DateOnly? ContractDate, string Interest,
    LoanReferences References);
