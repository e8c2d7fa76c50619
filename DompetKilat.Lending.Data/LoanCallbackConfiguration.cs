using DompetKilat.Lending.Callbacks;
using DompetKilat.Lending.Loans;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DompetKilat.Lending.Data;

public sealed class LoanCallbackConfiguration : IEntityTypeConfiguration<LoanCallback>
{
    public const string TransactionIdIndex = "ux_loan_callbacks_transaction_id";

    /// <summary>
    /// The inbox's doorbell: the Api rings it on Redis for each new callback, PostgreSQL notifies on it
    /// for each callback an operator sends back.
    /// </summary>
    public const string NotificationChannel = "loan_callbacks";

    public void Configure(EntityTypeBuilder<LoanCallback> builder)
    {
        builder.ToTable("loan_callbacks");
        builder.Property(c => c.TransactionId).HasMaxLength(128);
        builder.Property(c => c.Payload).HasColumnType("jsonb");
        builder.Property(c => c.Fingerprint).HasMaxLength(64);
        builder.Property(c => c.Reason).HasMaxLength(1024);
        builder.Property(c => c.TraceParent).HasMaxLength(64);
        builder.Property(c => c.ProcessedBy).HasMaxLength(128);
        builder.Property(c => c.Kind).HasConversion<short>();
        builder.Property(c => c.State).HasConversion<short>();

        builder.HasIndex(c => c.TransactionId).IsUnique().HasDatabaseName(TransactionIdIndex);
        // The worker's queue: the oldest pending callback of each loan, found without a scan.
        builder.HasIndex(c => new { c.LoanId, c.Id }).HasDatabaseName("ix_loan_callbacks_pending").HasFilter("state = 0");
        builder.HasIndex(c => c.Id).HasDatabaseName("ix_loan_callbacks_parked").HasFilter("state = 3");

        builder.HasOne<Loan>().WithMany().HasForeignKey(c => c.LoanId).OnDelete(DeleteBehavior.Restrict);
    }
}
