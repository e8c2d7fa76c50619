namespace DompetKilat.Lending.Products;

/// <summary>
/// A lending product a partner applies under, named by its <c>productCode</c>.
/// Products are data (seeded by a migration), so adding one needs no release.
/// </summary>
public sealed class Product(int id, string code, string name, bool isActive = true)
{
    public int Id { get; private set; } = id;

    public string Code { get; private set; } = code;

    public string Name { get; private set; } = name;

    public bool IsActive { get; private set; } = isActive;
}
