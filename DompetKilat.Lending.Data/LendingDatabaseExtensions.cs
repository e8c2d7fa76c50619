using DompetKilat.Lending.Data.PersonalData;
using DompetKilat.ServiceDefaults;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace DompetKilat.Lending.Data;

public static class LendingDatabaseExtensions
{
    /// <summary>
    /// The role whose rights the services' login inherits: every right they need, but the audit
    /// trail is append-only to it. The migrations grant it; the services' own login is a member of
    /// it and of nothing else (the migration service makes or checks that login), and the
    /// migration service alone works as the database owner.
    /// </summary>
    public const string ServiceRole = "dompetkilat_service";

    private static readonly RaisedEventsInterceptor RaisedEvents = new();

    /// <summary>Registers the pooled <see cref="LendingDbContext"/> for a service (the Api, the worker), on its own login.</summary>
    public static IHostApplicationBuilder AddLendingDatabase(this IHostApplicationBuilder builder) =>
        builder.AddLendingDatabase(forService: true);

    /// <summary>Registers the <see cref="LendingDbContext"/> as the database owner, for the migration service.</summary>
    public static IHostApplicationBuilder AddLendingDatabaseOwner(this IHostApplicationBuilder builder) =>
        builder.AddLendingDatabase(forService: false);

    /// <summary>
    /// Registers the pooled <see cref="LendingDbContext"/> with Aspire's health check and
    /// telemetry, configured the same way in every service that shares the schema.
    /// EF's own retry loop is off: while the database is down a partner must hear <c>99</c> at
    /// once and retry, not wait out a minute of hidden retries, and the worker retries whole
    /// transactions through its own resilience pipeline.
    /// </summary>
    private static IHostApplicationBuilder AddLendingDatabase(this IHostApplicationBuilder builder, bool forService)
    {
        builder.AddNpgsqlDbContext<LendingDbContext>(
            ResourceNames.LendingDatabase,
            settings =>
            {
                settings.DisableRetry = true;
                settings.ConnectionString = WithSessionSettings(settings.ConnectionString, forService);
            },
            configureDbContextOptions: options => options
                .UseSnakeCaseNamingConvention()
                .AddInterceptors(RaisedEvents)
                // A refused command is not a fault by itself: a duplicate NIK is an expected 02 that
                // the caller handles. Whoever cannot handle an exception logs it (the Api's exception
                // handler, the worker's retry and parking), so EF's own Error records would only turn
                // every ordinary duplicate into two errors on the dashboard.
                .ConfigureWarnings(warnings => warnings.Log(
                    (RelationalEventId.CommandError, LogLevel.Debug),
                    (CoreEventId.SaveChangesFailed, LogLevel.Debug))));
        return builder;
    }

    /// <summary>
    /// Rows the worker reads carry the loan's whole payment history twice (the loan's and the
    /// snapshot's, 5-15 KB each): past Npgsql's 8 KB read buffer each one took the driver's slow
    /// path, and reading such rows was 42% of the worker's CPU under callback load. With 64 KB
    /// (a few megabytes over a full pool) a backlog of 8,000 callbacks was applied 0.9-1.7 s
    /// after the last was accepted instead of 2.7-3.7 s (docs/benchmarks.md).
    /// </summary>
    private const int ReadBufferSize = 64 * 1024;

    /// <summary>
    /// The same few statements run thousands of times a second, and planning the borrower profile's
    /// thirteen joins costs PostgreSQL tens of milliseconds (past twelve tables it searches
    /// genetically); prepared on each pooled connection and held to their generic plan, they are
    /// planned once per connection. Left to choose, PostgreSQL kept planning the profile anew on
    /// every execution. Every hot statement looks rows up by key, so one plan suits every value.
    /// Session state is never set through the pool (the worker's LISTEN has its own connection),
    /// so returning a connection needs no reset round trip. The plan setting travels in the
    /// start-up packet, so it costs no round trip either.
    /// </summary>
    private static string? WithSessionSettings(string? connectionString, bool forService) =>
        connectionString is null ? null : new NpgsqlConnectionStringBuilder(connectionString)
        {
            MaxAutoPrepare = 64,
            AutoPrepareMinUsages = 2,
            NoResetOnClose = true,
            ReadBufferSize = ReadBufferSize,
            Options = forService ? "-c plan_cache_mode=force_generic_plan" : null,
        }.ConnectionString;

    /// <summary>
    /// The keys for what is encrypted at rest, and the interceptor that seals and opens borrowers'
    /// personal data with them; every service that reads or writes borrowers, partners or loans
    /// needs them, and refuses to start without them.
    /// </summary>
    public static IHostApplicationBuilder AddFieldEncryption(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<FieldEncryptionOptions>().BindConfiguration(FieldEncryptionOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<FieldEncryptionOptions>, FieldEncryptionOptions.Validator>();
        builder.Services.AddSingleton(sp => sp.GetRequiredService<IOptions<FieldEncryptionOptions>>().Value);
        builder.Services.AddSingleton<FieldProtector>();
        builder.Services.AddSingleton<MasterKeys>();
        builder.Services.AddSingleton<BlindIndex>();
        builder.Services.AddSingleton<PersonalDataInterceptor>();
        builder.Services.ConfigureDbContext<LendingDbContext>((sp, options) => options.AddInterceptors(sp.GetRequiredService<PersonalDataInterceptor>()));
        return builder;
    }
}
