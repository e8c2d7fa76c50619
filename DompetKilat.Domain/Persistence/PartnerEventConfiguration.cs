using DompetKilat.Domain.Loans;
using DompetKilat.Domain.Notifications;
using DompetKilat.Domain.Partners;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DompetKilat.Domain.Persistence;

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

        builder.HasIndex(e => e.EventId).IsUnique().HasDatabaseName(EventIdIndex);
        // The dispatcher's queue: pending events by due time, and each loan's oldest pending one.
        builder.HasIndex(e => e.NextAttemptAt).HasDatabaseName("ix_partner_events_due").HasFilter("state = 0");
        builder.HasIndex(e => new { e.LoanId, e.Id }).HasDatabaseName("ix_partner_events_loan_pending").HasFilter("state = 0");
        // The admin list: a partner's events by state, newest first.
        builder.HasIndex(e => new { e.PartnerId, e.State, e.Id }).HasDatabaseName("ix_partner_events_partner_state");

        builder.HasOne<Partner>().WithMany().HasForeignKey(e => e.PartnerId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Loan>().WithMany().HasForeignKey(e => e.LoanId).OnDelete(DeleteBehavior.Restrict);
    }
}
