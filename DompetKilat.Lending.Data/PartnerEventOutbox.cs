using DompetKilat.Lending.Loans;
using DompetKilat.Lending.Notifications;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace DompetKilat.Lending.Data;

/// <summary>
/// The one path from a raised loan notification to the outbox (API-CONTRACT §9): when a context
/// saves loans whose steps raised notifications, their <see cref="PartnerEvent"/> rows are added to
/// the same save, so they commit with the change or not at all, whoever made it (a back-office
/// step, a lender's callback).
/// </summary>
public sealed class PartnerEventOutbox : SaveChangesInterceptor
{
    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(
        DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is LendingDbContext db)
        {
            await EnqueueRaisedAsync(db, cancellationToken);
        }

        return result;
    }

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        if (eventData.Context is LendingDbContext db && RaisingLoans(db).Count > 0)
        {
            throw new InvalidOperationException("Loans that raised notifications are saved asynchronously, in the transaction of their change.");
        }

        return result;
    }

    /// <summary>
    /// Which partners can be sent events (a webhookUrl, and a secret to sign with); the others'
    /// events are recorded <see cref="PartnerEventState.Undeliverable"/>. Runs in the transaction
    /// that adds the events: it share-locks the partners until that commits, so an update removing a
    /// partner's webhook waits for these events and then finds them pending (and makes them
    /// undeliverable) instead of leaving them pending for nobody. A partner whose update is in
    /// flight is read as it is after that update.
    /// </summary>
    public static async Task<HashSet<int>> ReachablePartnersAsync(LendingDbContext db, IEnumerable<int> partnerIds, CancellationToken cancellationToken)
    {
        var ids = partnerIds.Distinct().ToArray();
        var reachable = await db.Database.SqlQuery<int>($"""
            SELECT id AS "Value" FROM partners
            WHERE id = ANY({ids}) AND webhook_url IS NOT NULL AND webhook_secret IS NOT NULL
            FOR SHARE
            """).ToListAsync(cancellationToken);
        return [.. reachable];
    }

    private static async Task EnqueueRaisedAsync(LendingDbContext db, CancellationToken cancellationToken)
    {
        var raising = RaisingLoans(db);
        if (raising.Count == 0)
        {
            return;
        }

        // The partner's share lock must last until the events commit (ReachablePartnersAsync).
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("Loans that raised notifications are saved in the transaction of their change.");
        }

        var borrowerIds = raising.Select(l => l.BorrowerId).Distinct().ToArray();
        var partners = await db.Database.SqlQuery<BorrowersPartner>($"""
            SELECT b.id AS borrower_id, p.id AS partner_id, (p.webhook_url IS NOT NULL AND p.webhook_secret IS NOT NULL) AS reachable
            FROM borrowers b JOIN partners p ON p.id = b.partner_id
            WHERE b.id = ANY({borrowerIds})
            FOR SHARE OF p
            """).ToDictionaryAsync(p => p.BorrowerId, cancellationToken);
        foreach (var loan in raising)
        {
            var partner = partners[loan.BorrowerId];
            db.PartnerEvents.AddRange(loan.RaisedEvents.Select(raised => LoanEvents.For(loan.Id, raised, partner.PartnerId, partner.Reachable)));
            loan.ClearRaisedEvents();
        }
    }

    private static List<Loan> RaisingLoans(LendingDbContext db) =>
        [.. db.ChangeTracker.Entries<Loan>().Select(e => e.Entity).Where(l => l.RaisedEvents.Count > 0)];

    private sealed record BorrowersPartner(long BorrowerId, int PartnerId, bool Reachable);
}
