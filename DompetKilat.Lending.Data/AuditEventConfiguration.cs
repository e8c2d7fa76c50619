using DompetKilat.Lending.Audit;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DompetKilat.Lending.Data;

internal sealed class AuditEventConfiguration : IEntityTypeConfiguration<AuditEvent>
{
    public void Configure(EntityTypeBuilder<AuditEvent> builder)
    {
        builder.ToTable("audit_events");
        builder.Property(e => e.Actor).HasMaxLength(32);
        builder.Property(e => e.Action).HasMaxLength(128);
        builder.Property(e => e.Outcome).HasMaxLength(8);
        builder.Property(e => e.Subject).HasMaxLength(64);
        builder.Property(e => e.TraceId).HasMaxLength(32);
        builder.Property(e => e.SourceAddress).HasMaxLength(45);
        builder.Property(e => e.OperatorSubject).HasMaxLength(255);
        builder.Property(e => e.OperatorName).HasMaxLength(128);

        // "Who has seen this person's data", newest first.
        builder.HasIndex(e => new { e.BorrowerId, e.Id }).IsDescending(false, true).HasFilter("borrower_id IS NOT NULL");
        // An operator's actions, newest first.
        builder.HasIndex(e => new { e.OperatorSubject, e.Id }).IsDescending(false, true).HasFilter("operator_subject IS NOT NULL");
        // The trail names borrowers, loans and partners by id without foreign keys: each entry's keys
        // share-locked the rows it names, so a batch of 500 reads' entries locked 500 borrowers and,
        // every time, the partner. Entries are written by the Api with ids it has just read or
        // stored, nothing the trail names is ever deleted, and the worker's integrity check reports
        // any dangling id. Nor indexes on the loan and the partner: no query looks entries up by them.
    }
}
