using DompetKilat.Lending.Products;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DompetKilat.Lending.Data;

internal sealed class ProductConfiguration : IEntityTypeConfiguration<Product>
{
    public void Configure(EntityTypeBuilder<Product> builder)
    {
        builder.ToTable("products");
        builder.Property(p => p.Code).HasMaxLength(32);
        builder.Property(p => p.Name).HasMaxLength(200);
        builder.HasIndex(p => p.Code).IsUnique();

        // The partner reference's sample product; partners test against it.
        builder.HasData(new Product(1, "95", "Pinjaman Personal"));
    }
}
