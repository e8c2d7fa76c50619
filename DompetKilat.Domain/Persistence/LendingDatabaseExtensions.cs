using DompetKilat.Domain.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Microsoft.Extensions.Hosting;

public static class LendingDatabaseExtensions
{
    /// <summary>The connection name the AppHost hands every service for the product database.</summary>
    public const string ConnectionName = "dompetkilat";

    /// <summary>
    /// Registers the pooled <see cref="LendingDbContext"/> with Aspire's health check and
    /// telemetry, configured the same way in every service that shares the schema.
    /// EF's own retry loop is off: while the database is down a partner must hear <c>99</c> at
    /// once and retry, not wait out a minute of hidden retries, and the worker retries whole
    /// transactions through its own resilience pipeline.
    /// </summary>
    public static IHostApplicationBuilder AddLendingDatabase(this IHostApplicationBuilder builder)
    {
        builder.AddNpgsqlDbContext<LendingDbContext>(
            ConnectionName,
            settings =>
            {
                settings.DisableRetry = true;
                settings.ConnectionString = WithPreparedStatements(settings.ConnectionString);
            },
            configureDbContextOptions: options => options.UseSnakeCaseNamingConvention());
        return builder;
    }

    /// <summary>
    /// The same few statements run thousands of times a second, and planning the borrower profile's
    /// eleven joins costs PostgreSQL several milliseconds each time; prepared on each pooled
    /// connection, they are planned once. Session state is never set through the pool (the worker's
    /// LISTEN has its own connection), so returning a connection needs no reset round trip.
    /// </summary>
    private static string? WithPreparedStatements(string? connectionString) =>
        connectionString is null ? null : new NpgsqlConnectionStringBuilder(connectionString)
        {
            MaxAutoPrepare = 64,
            AutoPrepareMinUsages = 2,
            NoResetOnClose = true,
        }.ConnectionString;

    /// <summary>
    /// The keys for fields encrypted at rest; every service that reads or writes borrowers' KYC
    /// data or loans needs them, and refuses to start without them.
    /// </summary>
    public static IHostApplicationBuilder AddFieldEncryption(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<FieldEncryptionOptions>().BindConfiguration(FieldEncryptionOptions.Section);
        builder.Services.AddSingleton(sp => new FieldProtector(sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<FieldEncryptionOptions>>().Value));
        return builder;
    }
}
