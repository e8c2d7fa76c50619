using DompetKilat.Lending.Loans;
using DompetKilat.Lending.Notifications;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DompetKilat.Lending.Data;

public sealed class PartnerEventConfiguration : IEntityTypeConfiguration<PartnerEvent>
{
    public const string EventIdIndex = "ux_partner_events_event_id";

    /// <summary>Notified (by a trigger) whenever an event becomes due now: new, or redelivered.</summary>
    public const string NotificationChannel = "partner_events";

    public void Configure(EntityTypeBuilder<PartnerEvent> builder)
    {
        builder.ToTable("partner_events");
        builder.Property(e => e.EventId).HasMaxLength(40);
        builder.Property(e => e.Type).HasMaxLength(32);
        builder.Property(e => e.LastError).HasMaxLength(256);
        builder.Property(e => e.TraceParent).HasMaxLength(64);
        builder.Property(e => e.State).HasConversion<short>();
        builder.Property(e => e.RecordedAt).HasDefaultValueSql("clock_timestamp()").ValueGeneratedOnAdd();

        builder.HasIndex(e => e.EventId).IsUnique().HasDatabaseName(EventIdIndex);
        // The dispatcher's queue: each loan's pending events, oldest first. Nothing indexes the due
        // time, so a claim's lease (it moves only the due time and the attempt count) can update the
        // row in place, without an entry in every index.
        builder.HasIndex(e => new { e.LoanId, e.Id }).HasDatabaseName("ix_partner_events_loan_pending").HasFilter("state = 0");
        // The admin list: a partner's events by state, newest first.
        builder.HasIndex(e => new { e.PartnerId, e.State, e.Id }).HasDatabaseName("ix_partner_events_partner_state");
        // The partner's own list (API-CONTRACT §11): its events in the order they were written.
        builder.HasIndex(e => new { e.PartnerId, e.RecordedAt, e.Id }).HasDatabaseName("ix_partner_events_partner_recorded");
        // Retention removes the oldest first.
        builder.HasIndex(e => e.OccurredAt).HasDatabaseName("ix_partner_events_occurred_at");

        // No foreign key to the partner: every event written would share-lock its partner's row, the
        // same row for all of a partner's events. Events are written for partners read in the same
        // transaction, none is ever deleted, and the integrity check watches.
        builder.HasOne<Loan>().WithMany().HasForeignKey(e => e.LoanId).OnDelete(DeleteBehavior.Restrict);
    }
}

public sealed class PartnerEventDeliveryConfiguration : IEntityTypeConfiguration<PartnerEventDelivery>
{
    public void Configure(EntityTypeBuilder<PartnerEventDelivery> builder)
    {
        builder.ToTable("partner_event_deliveries");
        builder.Property(d => d.Error).HasMaxLength(256);
        builder.HasIndex(d => new { d.PartnerEventId, d.Id }).HasDatabaseName("ix_partner_event_deliveries_event");
        // Retention removes an event's attempts with it, in the same statement.
        builder.HasOne<PartnerEvent>().WithMany().HasForeignKey(d => d.PartnerEventId).OnDelete(DeleteBehavior.Cascade);
    }
}
