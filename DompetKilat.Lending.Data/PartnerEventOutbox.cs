using DompetKilat.Lending.Borrowers;
using DompetKilat.Lending.Loans;
using DompetKilat.Lending.Notifications;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace DompetKilat.Lending.Data;

/// <summary>
/// The outbox of partner notifications (API-CONTRACT §9), and every change of a
/// <see cref="PartnerEvent"/>'s state in one place, whoever makes it: enqueued with the loan change
/// that raised it, claimed for an attempt, delivered, retried later, given up on, held for an
/// operator when its partner cannot be reached, and sent again on an operator's request. When an
/// attempt is recorded, only that claim's attempt is changed: a redelivery in the meantime restarted the count.
/// </summary>
public static class PartnerEventOutbox
{
    /// <summary>How long a claim holds an event: longer than any attempt can take (its timeout, plus connecting and recording).</summary>
    public static readonly TimeSpan ClaimLease = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Which partners can be sent events (a webhookUrl, and a secret to sign with); the others'
    /// events are recorded <see cref="PartnerEventState.Undeliverable"/>. Runs in the transaction
    /// that adds or requeues the events: it share-locks the partners until that commits, so an
    /// update removing a partner's webhook waits for these events and then finds them pending (and
    /// holds them, <see cref="HoldForOperatorAsync"/>) instead of leaving them pending for nobody.
    /// A partner whose update is in flight is read as it is after that update.
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

    /// <summary>
    /// Claims due events for attempts: each loan's oldest pending event (so a loan's events arrive
    /// in order) and any pending event about no loan (a borrower's), found by stepping through the loans that have pending events (one index probe per
    /// loan, however many events each has queued), kept if it is due and of a partner that has a
    /// webhook, a secret and a free slot in <paramref name="budget"/>; the earliest due first. The
    /// claim moves <c>next_attempt_at</c> past <paramref name="lease"/>, so competing replicas never
    /// send one attempt twice at once and an attempt cut short goes again when the lease lapses; the
    /// outer lock skips what another replica is claiming and rechecks due-ness against its committed claim.
    /// Pending is written as the literal 0, so the planner can use the pending events' partial index.
    /// </summary>
    public static Task<List<PartnerEvent>> ClaimDueAsync(LendingDbContext db, DateTime now, TimeSpan lease, ClaimBudget budget, CancellationToken cancellationToken) =>
        db.PartnerEvents.FromSql($"""
            UPDATE partner_events SET next_attempt_at = {now + lease}, attempts = attempts + 1
            WHERE id IN (
                SELECT id FROM partner_events
                WHERE state = 0 AND next_attempt_at <= {now} AND id IN (
                    SELECT due.id FROM (
                        SELECT head.id, head.partner_id, head.next_attempt_at,
                               row_number() OVER (PARTITION BY head.partner_id ORDER BY head.next_attempt_at, head.id) AS n
                        FROM (
                            WITH RECURSIVE heads (loan_id, id) AS (
                                (SELECT loan_id, id FROM partner_events WHERE state = 0 AND loan_id IS NOT NULL ORDER BY loan_id, id LIMIT 1)
                                UNION ALL
                                SELECT later.loan_id, later.id FROM heads h CROSS JOIN LATERAL (
                                    SELECT loan_id, id FROM partner_events
                                    WHERE state = 0 AND loan_id > h.loan_id
                                    ORDER BY loan_id, id LIMIT 1) later
                            )
                            SELECT e.id, e.partner_id, e.next_attempt_at FROM (
                                SELECT id FROM heads
                                UNION ALL
                                SELECT id FROM partner_events WHERE state = 0 AND loan_id IS NULL) h
                            JOIN partner_events e ON e.id = h.id
                            JOIN partners p ON p.id = e.partner_id
                            WHERE e.next_attempt_at <= {now}
                              AND p.webhook_url IS NOT NULL AND p.webhook_secret IS NOT NULL AND p.disabled_at IS NULL
                              AND e.partner_id <> ALL({budget.FullPartners})
                        ) head
                    ) due
                    LEFT JOIN unnest({budget.BusyPartners}::integer[], {budget.BusyCounts}::integer[]) AS busy(partner_id, n) ON busy.partner_id = due.partner_id
                    WHERE due.n <= {budget.PerPartner} - coalesce(busy.n, 0)
                    ORDER BY due.next_attempt_at
                    LIMIT {budget.Limit})
                FOR UPDATE SKIP LOCKED)
            RETURNING *
            """).AsNoTracking().ToListAsync(cancellationToken);

    /// <summary>
    /// Records delivered attempts, as many as are given, in one statement: each in the event's
    /// attempts, and as its delivery unless a redelivery restarted the count meanwhile.
    /// </summary>
    public static Task RecordDeliveredAsync(LendingDbContext db, IReadOnlyCollection<DeliveredAttempt> delivered, CancellationToken cancellationToken)
    {
        long[] ids = [.. delivered.Select(d => d.EventId)];
        int[] attempts = [.. delivered.Select(d => d.Attempt)];
        int[] statuses = [.. delivered.Select(d => d.Status)];
        DateTime[] startedAt = [.. delivered.Select(d => d.StartedAt)];
        DateTime[] deliveredAt = [.. delivered.Select(d => d.At)];
        return db.Database.ExecuteSqlAsync($"""
            WITH d AS (
                SELECT * FROM unnest({ids}, {attempts}, {statuses}, {startedAt}, {deliveredAt}) AS d(id, attempts, status, started_at, delivered_at)
            ), recorded AS (
                INSERT INTO partner_event_deliveries (partner_event_id, attempted_at, status, duration_ms)
                SELECT d.id, d.started_at, d.status, least(greatest(extract(epoch FROM d.delivered_at - d.started_at) * 1000, 0), 2147483647)::integer
                FROM d JOIN partner_events e ON e.id = d.id
            )
            UPDATE partner_events p
            SET state = {(short)PartnerEventState.Delivered}, delivered_at = d.delivered_at, last_status = d.status, last_error = NULL
            FROM d
            WHERE p.id = d.id AND p.state = {(short)PartnerEventState.Pending} AND p.attempts = d.attempts
            """, cancellationToken);
    }

    /// <summary>
    /// Records a claimed attempt the partner did not take, in the event's attempts, and as its state:
    /// retried later on the schedule, or given up on (<see cref="DeliverySchedule.AfterFailure"/>); returns which.
    /// </summary>
    public static async Task<FailedAttempt> RecordFailedAsync(LendingDbContext db, PartnerEvent claimed, AttemptFailure failure, DateTime startedAt,
        DateTime now, double jitter, CancellationToken cancellationToken)
    {
        var outcome = DeliverySchedule.AfterFailure(claimed.Attempts, claimed.RetryUntil, failure, now, jitter);
        var durationMs = (int)Math.Clamp((now - startedAt).TotalMilliseconds, 0, int.MaxValue);
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO partner_event_deliveries (partner_event_id, attempted_at, status, error, duration_ms)
            SELECT id, {startedAt}, {failure.Status}, {failure.Error}, {durationMs} FROM partner_events WHERE id = {claimed.Id}
            """, cancellationToken);
        var mine = db.PartnerEvents.Where(x => x.Id == claimed.Id && x.State == PartnerEventState.Pending && x.Attempts == claimed.Attempts);
        if (outcome.GivesUp)
        {
            await mine.ExecuteUpdateAsync(s => s
                .SetProperty(x => x.State, PartnerEventState.Failed)
                .SetProperty(x => x.LastStatus, failure.Status)
                .SetProperty(x => x.LastError, outcome.Reason), cancellationToken);
        }
        else
        {
            await mine.ExecuteUpdateAsync(s => s
                .SetProperty(x => x.NextAttemptAt, outcome.NextAttemptAt)
                .SetProperty(x => x.LastStatus, failure.Status)
                .SetProperty(x => x.LastError, failure.Error), cancellationToken);
        }

        return outcome;
    }

    /// <summary>
    /// Nothing can reach the partner now, so what waited for it waits for an operator instead. Run
    /// in the transaction that removed its webhook: that update holds the partner's row, so an event
    /// committing meanwhile was either enqueued undeliverable or is pending and held here.
    /// </summary>
    public static Task<int> HoldForOperatorAsync(LendingDbContext db, int partnerId, CancellationToken cancellationToken) =>
        db.PartnerEvents
            .Where(e => e.PartnerId == partnerId && e.State == PartnerEventState.Pending)
            .ExecuteUpdateAsync(e => e.SetProperty(x => x.State, PartnerEventState.Undeliverable), cancellationToken);

    /// <summary>
    /// An operator's redelivery: the event is due again now with a new retry window, whatever became
    /// of it; false when it is pending, already on its way (sending it again would race the claim).
    /// </summary>
    public static async Task<bool> RedeliverAsync(LendingDbContext db, string eventId, DateTime now, CancellationToken cancellationToken) =>
        await db.PartnerEvents
            .Where(e => e.EventId == eventId && e.State != PartnerEventState.Pending)
            .ExecuteUpdateAsync(e => e
                .SetProperty(x => x.State, PartnerEventState.Pending)
                .SetProperty(x => x.Attempts, 0)
                .SetProperty(x => x.NextAttemptAt, now)
                .SetProperty(x => x.RetryUntil, now + LoanEvents.RetryWindow)
                .SetProperty(x => x.DeliveredAt, (DateTime?)null), cancellationToken) == 1;

    /// <summary>
    /// A partner's own redelivery (API-CONTRACT §11), whatever became of the event: one that is not
    /// pending starts again as an operator's redelivery does; a pending one waiting out its backoff is
    /// due now on a fresh window. A pending event due within a claim's lease is left alone: it may be
    /// in an attempt right now, and it goes within that time anyway. Null when the partner has no such event.
    /// </summary>
    public static async Task<PartnerEventState?> RedeliverForPartnerAsync(LendingDbContext db, int partnerId, string eventId, DateTime now,
        CancellationToken cancellationToken)
    {
        var theirs = db.PartnerEvents.Where(e => e.EventId == eventId && e.PartnerId == partnerId);
        var state = await theirs.Select(e => (PartnerEventState?)e.State).SingleOrDefaultAsync(cancellationToken);
        if (state is null)
        {
            return null;
        }

        await theirs
            .Where(e => e.State != PartnerEventState.Pending || e.NextAttemptAt > now + ClaimLease)
            .ExecuteUpdateAsync(e => e
                .SetProperty(x => x.State, PartnerEventState.Pending)
                .SetProperty(x => x.Attempts, 0)
                .SetProperty(x => x.NextAttemptAt, now)
                .SetProperty(x => x.RetryUntil, now + LoanEvents.RetryWindow)
                .SetProperty(x => x.DeliveredAt, (DateTime?)null), cancellationToken);
        return PartnerEventState.Pending;
    }

    /// <summary>
    /// A <c>webhook.test</c> event for the partner, enqueued and committed like any other (pending, or
    /// undeliverable when the partner has no webhook), in a transaction the caller opened.
    /// </summary>
    public static async Task<PartnerEvent> EnqueueTestAsync(LendingDbContext db, int partnerId, string partnerCode, DateTime now, string? traceParent,
        CancellationToken cancellationToken)
    {
        var reachable = await ReachablePartnersAsync(db, [partnerId], cancellationToken);
        var test = WebhookTests.For(partnerId, partnerCode, reachable.Contains(partnerId), now, traceParent);
        db.PartnerEvents.Add(test);
        await db.SaveChangesAsync(cancellationToken);
        return test;
    }

    /// <summary>
    /// Removes up to <paramref name="batch"/> events that occurred before <paramref name="cutoff"/>
    /// (their deliveries go with them), oldest first, and returns how many. Rows another replica is
    /// removing are skipped, so replicas sweeping at once share the work instead of repeating it.
    /// A pending event stays until its retries end: it may be in an attempt right now.
    /// </summary>
    public static Task<int> RemoveExpiredAsync(LendingDbContext db, DateTime cutoff, int batch, CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlAsync($"""
            DELETE FROM partner_events WHERE id IN (
                SELECT id FROM partner_events
                WHERE occurred_at < {cutoff} AND state <> {(short)PartnerEventState.Pending}
                ORDER BY occurred_at
                LIMIT {batch}
                FOR UPDATE SKIP LOCKED)
            """, cancellationToken);

    /// <summary>The events the loans and borrowers being saved raised, as outbox rows of the same save (<see cref="RaisedEventsInterceptor"/>).</summary>
    internal static async Task EnqueueRaisedAsync(LendingDbContext db, CancellationToken cancellationToken)
    {
        var (loans, borrowers) = Raising(db);
        if (loans.Count == 0 && borrowers.Count == 0)
        {
            return;
        }

        // The partners' share lock must last until the events commit (ReachablePartnersAsync).
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("Loans and borrowers that raised notifications are saved in the transaction of their change.");
        }

        var borrowerIds = loans.Select(l => l.BorrowerId).Concat(borrowers.Select(b => b.Id)).Distinct().ToArray();
        var partners = await db.Database.SqlQuery<BorrowersPartner>($"""
            SELECT b.id AS borrower_id, p.id AS partner_id, (p.webhook_url IS NOT NULL AND p.webhook_secret IS NOT NULL) AS reachable
            FROM borrowers b JOIN partners p ON p.id = b.partner_id
            WHERE b.id = ANY({borrowerIds})
            FOR SHARE OF p
            """).ToDictionaryAsync(p => p.BorrowerId, cancellationToken);
        foreach (var loan in loans)
        {
            var partner = partners[loan.BorrowerId];
            db.PartnerEvents.AddRange(loan.RaisedEvents.Select(raised => LoanEvents.For(loan.Id, raised, partner.PartnerId, partner.Reachable)));
            loan.ClearRaisedEvents();
        }

        foreach (var borrower in borrowers)
        {
            var partner = partners[borrower.Id];
            db.PartnerEvents.AddRange(borrower.RaisedEvents.Select(raised => BorrowerEvents.For(raised, partner.PartnerId, partner.Reachable)));
            borrower.ClearRaisedEvents();
        }
    }

    /// <summary>
    /// The tracked loans and borrowers holding raised events. Raised events are not tracked state, so
    /// finding them needs no change detection; SaveChanges detects changes once, after this, as it always does.
    /// </summary>
    internal static (List<Loan> Loans, List<Borrower> Borrowers) Raising(LendingDbContext db)
    {
        var detecting = db.ChangeTracker.AutoDetectChangesEnabled;
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        try
        {
            return ([.. db.ChangeTracker.Entries<Loan>().Select(e => e.Entity).Where(l => l.RaisedEvents.Count > 0)],
                [.. db.ChangeTracker.Entries<Borrower>().Select(e => e.Entity).Where(b => b.RaisedEvents.Count > 0)]);
        }
        finally
        {
            db.ChangeTracker.AutoDetectChangesEnabled = detecting;
        }
    }

    private sealed record BorrowersPartner(long BorrowerId, int PartnerId, bool Reachable);
}

/// <summary>How many attempts a dispatcher may start now: none for full partners, the rest within each partner's slots.</summary>
public sealed record ClaimBudget(int[] FullPartners, int[] BusyPartners, int[] BusyCounts, int PerPartner, int Limit);

/// <summary>An attempt the partner answered 2xx, to record as delivered: it started at <see cref="StartedAt"/> and was answered <see cref="At"/>.</summary>
public sealed record DeliveredAttempt(long EventId, int Attempt, int Status, DateTime StartedAt, DateTime At);

/// <summary>
/// The one path from a raised notification to the outbox: when a context saves loans or borrowers
/// whose steps raised notifications, their rows are added to the same save, so they commit with the
/// change or not at all, whoever made it (a back-office step, a lender's callback, an erasure).
/// </summary>
public sealed class RaisedEventsInterceptor : SaveChangesInterceptor
{
    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(
        DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is LendingDbContext db)
        {
            await PartnerEventOutbox.EnqueueRaisedAsync(db, cancellationToken);
        }

        return result;
    }

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        if (eventData.Context is LendingDbContext db && PartnerEventOutbox.Raising(db) is not ({ Count: 0 }, { Count: 0 }))
        {
            throw new InvalidOperationException("Loans and borrowers that raised notifications are saved asynchronously, in the transaction of their change.");
        }

        return result;
    }
}
