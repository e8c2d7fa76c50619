using DompetKilat.Domain.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Microsoft.Extensions.Hosting;

public static class LendingDatabaseExtensions
{
    /// <summary>The connection name the AppHost hands every service for the product database.</summary>
    public const string ConnectionName = "dompetkilat";

    /// <summary>
    /// Registers the pooled <see cref="LendingDbContext"/> with Aspire's health check, retries
    /// and telemetry, configured the same way in every service that shares the schema.
    /// </summary>
    public static IHostApplicationBuilder AddLendingDatabase(this IHostApplicationBuilder builder)
    {
        builder.AddNpgsqlDbContext<LendingDbContext>(
            ConnectionName,
            configureDbContextOptions: options => options.UseSnakeCaseNamingConvention());
        return builder;
    }
}
