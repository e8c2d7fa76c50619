using DompetKilat.Lending.BackOffice;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DompetKilat.Lending.Data;

internal sealed class ChangeConfiguration : IEntityTypeConfiguration<Change>
{
    public void Configure(EntityTypeBuilder<Change> builder)
    {
        builder.ToTable("changes");
        builder.Property(c => c.Id).ValueGeneratedNever();
        builder.Property(c => c.Kind).HasConversion<string>().HasMaxLength(32);
        builder.Property(c => c.State).HasConversion<string>().HasMaxLength(16);
        builder.Property(c => c.Role).HasMaxLength(32);
        builder.Property(c => c.PartnerCode).HasMaxLength(32);
        builder.Property(c => c.Request).HasColumnType("jsonb");
        builder.Property(c => c.MakerSubject).HasMaxLength(255);
        builder.Property(c => c.MakerName).HasMaxLength(Change.MaxNameLength);
        builder.Property(c => c.CheckerSubject).HasMaxLength(255);
        builder.Property(c => c.CheckerName).HasMaxLength(Change.MaxNameLength);

        // The pending list, oldest first.
        builder.HasIndex(c => new { c.State, c.MadeAt });
    }
}
