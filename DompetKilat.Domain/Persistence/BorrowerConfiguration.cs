using DompetKilat.Domain.Borrowers;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DompetKilat.Domain.Persistence;

internal sealed class BorrowerConfiguration : IEntityTypeConfiguration<Borrower>
{
    /// <summary>Unique index names; a violation of one names the field that is already registered.</summary>
    public const string IdNumberIndex = "ux_borrowers_id_number";
    public const string PhoneNumberIndex = "ux_borrowers_phone_number";
    public const string EmailIndex = "ux_borrowers_email";

    public void Configure(EntityTypeBuilder<Borrower> builder)
    {
        builder.ToTable("borrowers");
        builder.Property(b => b.BorrowerType).HasMaxLength(32);
        builder.Property(b => b.IdNumber).HasMaxLength(16);
        builder.Property(b => b.PhoneNumber).HasMaxLength(15);
        builder.Property(b => b.Email).HasMaxLength(254);
        builder.Property(b => b.FullName).HasMaxLength(200);

        builder.HasIndex(b => b.IdNumber).IsUnique().HasDatabaseName(IdNumberIndex);
        builder.HasIndex(b => b.PhoneNumber).IsUnique().HasDatabaseName(PhoneNumberIndex);
        builder.HasIndex(b => b.Email).IsUnique().HasDatabaseName(EmailIndex);

        builder.OwnsOne(b => b.PersonalDetails, d => d.ToTable("borrower_personal_details"));
        builder.OwnsOne(b => b.Job, d => d.ToTable("borrower_jobs"));
        builder.OwnsOne(b => b.Income, d => d.ToTable("borrower_incomes"));
        builder.OwnsOne(b => b.Asset, d => d.ToTable("borrower_assets"));
        builder.OwnsOne(b => b.Bank, d => d.ToTable("borrower_banks"));
        builder.OwnsOne(b => b.EmergencyContact, d => d.ToTable("borrower_emergency_contacts"));
        builder.OwnsOne(b => b.Marital, d => d.ToTable("borrower_maritals"));
        builder.OwnsOne(b => b.Education, d => d.ToTable("borrower_educations"));
        builder.OwnsOne(b => b.Religion, d => d.ToTable("borrower_religions"));
        builder.OwnsOne(b => b.Documents, d => d.ToTable("borrower_documents"));

        builder.HasOne(b => b.Partner).WithMany().HasForeignKey(b => b.PartnerId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(b => b.Product).WithMany().HasForeignKey(b => b.ProductId).OnDelete(DeleteBehavior.Restrict);
    }
}
