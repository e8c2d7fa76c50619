using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace DompetKilat.Lending.Data;

/// <summary>
/// Lets <c>dotnet ef migrations add</c> build the model without a running database;
/// the connection string is never used for that.
/// </summary>
internal sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<LendingDbContext>
{
    public LendingDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<LendingDbContext>()
            .UseNpgsql("Host=localhost;Database=dompetkilat")
            .UseSnakeCaseNamingConvention()
            .Options);
}
