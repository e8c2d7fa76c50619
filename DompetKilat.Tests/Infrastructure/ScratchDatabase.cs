using DompetKilat.Lending.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;

namespace DompetKilat.Tests.Infrastructure;

/// <summary>
/// A database of the test's own on the suite's PostgreSQL, dropped afterwards, so a test can run a
/// migration up and down on data stored before it without touching anything shared.
/// </summary>
public sealed class ScratchDatabase(string adminConnectionString, string name, LendingDbContext db) : IAsyncDisposable
{
    public LendingDbContext Db { get; } = db;

    /// <summary>A new database with the schema as it was right after <paramref name="migration"/>.</summary>
    public static async Task<ScratchDatabase> AtAsync(DompetKilatApp system, string migration)
    {
        var product = await system.App.GetConnectionStringAsync("dompetkilat")
            ?? throw new InvalidOperationException("No connection string for the product database.");
        var name = $"scratch_{Guid.NewGuid():N}";
        await AdminAsync(product, $"CREATE DATABASE {name}");
        var scratch = new ScratchDatabase(product, name, await system.CreateDbContextAsync(name));
        await scratch.Db.GetService<IMigrator>().MigrateAsync(migration);
        return scratch;
    }

    /// <summary>
    /// Stores rows as an earlier version wrote them, without the rows they refer to: the test is about
    /// the stored values, so foreign keys are not checked for this statement.
    /// </summary>
    public async Task StoreAsync(FormattableString insert)
    {
        await Db.Database.OpenConnectionAsync();
        await Db.Database.ExecuteSqlAsync($"SET session_replication_role = replica");
        await Db.Database.ExecuteSqlAsync(insert);
        await Db.Database.ExecuteSqlAsync($"RESET session_replication_role");
    }

    public async ValueTask DisposeAsync()
    {
        await Db.DisposeAsync();
        await AdminAsync(adminConnectionString, $"DROP DATABASE {name} WITH (FORCE)");
    }

    private static async Task AdminAsync(string connectionString, string statement)
    {
        await using var admin = new NpgsqlConnection(connectionString);
        await admin.OpenAsync();
        await using var command = new NpgsqlCommand(statement, admin);
        await command.ExecuteNonQueryAsync();
    }
}
