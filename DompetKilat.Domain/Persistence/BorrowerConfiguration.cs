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

        builder.HasOne(b => b.Product).WithMany().HasForeignKey(b => b.ProductId).OnDelete(DeleteBehavior.Restrict);
    }
}
