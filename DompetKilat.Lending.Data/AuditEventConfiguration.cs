using DompetKilat.Lending.Audit;
using DompetKilat.Lending.Partners;
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
        builder.HasOne(e => e.Borrower).WithMany().HasForeignKey(e => e.BorrowerId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(e => e.Loan).WithMany().HasForeignKey(e => e.LoanId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Partner>().WithMany().HasForeignKey(e => e.PartnerId).OnDelete(DeleteBehavior.Restrict);
    }
}
