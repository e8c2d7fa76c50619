using DompetKilat.Lending.Borrowers;
using DompetKilat.Lending.Loans;
using DompetKilat.Lending.Data;
using DompetKilat.Lending.Data.PersonalData;
using Microsoft.EntityFrameworkCore;

namespace DompetKilat.Api.Borrowers;

/// <summary>
/// The partners' hot read: one statement, translated once rather than on every request. The
/// borrower names its latest loan, so the loan is joined by its key; picking it among the
/// borrower's loans in the same statement was measured slower (PostgreSQL numbered every loan of
/// every borrower), and a second statement costs a round trip.
/// </summary>
public static class BorrowerProfileQuery
{
    private static readonly Func<LendingDbContext, byte[], int, CancellationToken, Task<BorrowerProfileRow?>> ProfileByIdNumber =
        EF.CompileAsyncQuery((LendingDbContext db, byte[] idNumberIndex, int partnerId, CancellationToken _) =>
            db.Borrowers.AsNoTracking()
                .Where(b => EF.Property<byte[]>(b, BorrowerColumns.IdNumberIndex) == idNumberIndex && b.PartnerId == partnerId)
                .Select(b => new BorrowerProfileRow(
                    b,
                    b.Documents,
                    db.Products.Where(p => p.Id == b.ProductId).Select(p => p.Code).Single(),
                    b.LatestLoan == null
                        ? null
                        : new LatestLoanTerms(
                            b.LatestLoan.Plafons, b.LatestLoan.Tenor, b.LatestLoan.TenorUnit, b.LatestLoan.Amount, b.LatestLoan.ContractNo,
                            b.LatestLoan.ContractDate, b.LatestLoan.Interest, b.LatestLoan.References)))
                .SingleOrDefault());

    private static readonly Func<LendingDbContext, byte[], CancellationToken, Task<long?>> IdOfAnyPartner =
        EF.CompileAsyncQuery((LendingDbContext db, byte[] idNumberIndex, CancellationToken _) =>
            db.Borrowers.Where(b => EF.Property<byte[]>(b, BorrowerColumns.IdNumberIndex) == idNumberIndex).Select(b => (long?)b.Id).SingleOrDefault());

    /// <summary>
    /// The profile of the partner's own borrower with this NIK (its blind index); another partner's
    /// borrower, and an erased one, is not found.
    /// </summary>
    public static Task<BorrowerProfileRow?> FindAsync(LendingDbContext db, byte[] idNumberIndex, int partnerId, CancellationToken cancellationToken) =>
        ProfileByIdNumber(db, idNumberIndex, partnerId, cancellationToken);

    /// <summary>
    /// Which borrower a NIK belongs to, whoever its partner: only for the audit trail of a refused
    /// look, so the trail shows strangers' attempts too. Unknown and foreign NIKs both cost this query.
    /// </summary>
    public static Task<long?> FindIdOfAnyPartnerAsync(LendingDbContext db, byte[] idNumberIndex, CancellationToken cancellationToken) =>
        IdOfAnyPartner(db, idNumberIndex, cancellationToken);
}

public sealed record BorrowerProfileRow(Borrower Borrower, BorrowerDocuments? Documents, string ProductCode, LatestLoanTerms? LatestLoan);

/// <summary>What the profile shows of the latest loan; its repayment history stays in the database.</summary>
public sealed record LatestLoanTerms(
    long Plafons, int Tenor, string TenorUnit, long Amount, string ContractNo, DateOnly? ContractDate, string Interest,
    LoanReferences References);
