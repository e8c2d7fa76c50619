using DompetKilat.Lending.Data;
using DompetKilat.Lending.Data.PersonalData;
using Microsoft.EntityFrameworkCore;

namespace DompetKilat.Api.Borrowers;

/// <summary>Which borrower a NIK belongs to, whoever its partner (the profile itself: <see cref="BorrowerProfiles"/>).</summary>
public static class BorrowerProfileQuery
{
    private static readonly Func<LendingDbContext, byte[], CancellationToken, Task<long?>> IdOfAnyPartner =
        EF.CompileAsyncQuery((LendingDbContext db, byte[] idNumberIndex, CancellationToken _) =>
            db.Borrowers.Where(b => EF.Property<byte[]>(b, BorrowerColumns.IdNumberIndex) == idNumberIndex).Select(b => (long?)b.Id).SingleOrDefault());

    /// <summary>
    /// Which borrower a NIK belongs to, whoever its partner: only for the audit trail of a refused
    /// look, so the trail shows strangers' attempts too. Unknown and foreign NIKs both cost this query.
    /// </summary>
    public static Task<long?> FindIdOfAnyPartnerAsync(LendingDbContext db, byte[] idNumberIndex, CancellationToken cancellationToken) =>
        IdOfAnyPartner(db, idNumberIndex, cancellationToken);
}
