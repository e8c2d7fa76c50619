namespace DompetKilat.Lending.Products;

/// <summary>
/// A lending product a partner applies under, named by its <c>productCode</c>.
/// Products are data (seeded by a migration), so adding one needs no release.
/// </summary>
public sealed class Product
{
    public int Id { get; set; }

    public required string Code { get; set; }

    public required string Name { get; set; }

    public bool IsActive { get; set; } = true;
}
