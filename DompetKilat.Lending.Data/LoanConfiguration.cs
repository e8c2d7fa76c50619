using DompetKilat.Lending.Loans;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DompetKilat.Lending.Data;

public sealed class LoanConfiguration : IEntityTypeConfiguration<Loan>
{
    public const string LoanCodeIndex = "ux_loans_loan_code";

    public const string IdSequence = "loans_hilo";

    public void Configure(EntityTypeBuilder<Loan> builder)
    {
        builder.ToTable("loans");
        // As for borrowers: an application's loan, its references and its audit entry go in one batch.
        builder.Property(l => l.Id).UseHiLo(IdSequence);
        builder.Property(l => l.LoanCode).HasMaxLength(64);
        builder.Property(l => l.TenorUnit).HasMaxLength(8);
        builder.Property(l => l.ContractNo).HasMaxLength(128);
        builder.Property(l => l.Interest).HasMaxLength(32);
        builder.Property(l => l.BankCode).HasMaxLength(32);
        builder.Property(l => l.PaymentAccountNumber).HasMaxLength(64);
        builder.Property(l => l.RejectionReason).HasMaxLength(1024);
        builder.Property(l => l.Version).IsRowVersion();
        // Stored as the state number, the value partners already read.
        builder.Property(l => l.Status).HasConversion<int>();

        // Empty until approval, so uniqueness only binds assigned codes.
        builder.HasIndex(l => l.LoanCode).IsUnique().HasDatabaseName(LoanCodeIndex).HasFilter("loan_code <> ''");
        builder.HasIndex(l => new { l.BorrowerId, l.CreatedAt });

        builder.HasOne(l => l.Borrower).WithMany().HasForeignKey(l => l.BorrowerId).OnDelete(DeleteBehavior.Restrict);
        // No foreign key to the product: each application would share-lock the same product row. The
        // registry admits active products only, none is ever deleted, and the integrity check watches.
        builder.OwnsOne(l => l.References, r => r.ToTable("loan_references"));
        // Each repayment snapshot replaces the whole history, so it is kept whole, as the lender sent it.
        builder.ComplexCollection(l => l.Histories, h => h.ToJson("histories"));
        // Raised notifications are saved as the outbox's rows (PartnerEventOutbox), not as the loan's.
        builder.Ignore(l => l.RaisedEvents);
    }
}
