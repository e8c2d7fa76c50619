using DompetKilat.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;

namespace DompetKilat.Tests.Foundation;

/// <summary>
/// The migration that stores photos as bytes rewrites every stored photo in SQL. Each test runs it
/// on a database of its own, on the suite's PostgreSQL, holding photos stored before it.
/// </summary>
[Collection(DompetKilatAppCollection.Name)]
public sealed class PhotoMigrationTests(DompetKilatApp system)
{
    private const string PhotosStoredAsText = "20261125201940_BorrowerDocumentsNotOwned";

    [Fact]
    public async Task Photos_stored_as_text_open_as_bytes_after_the_migration_and_come_back_unchanged_when_it_is_reverted()
    {
        await using var scratch = await ScratchDatabase.AtAsync(system, PhotosStoredAsText);
        var (db, migrator) = (scratch.Db, scratch.Db.GetService<IMigrator>());
        var ktp = system.Protector.Protect(TestPeople.SamplePhoto);
        var selfie = system.Protector.Protect("https://cdn.partner.example/selfie/1.jpg");
        await StorePhotosAsync(scratch, ktp, selfie);

        await migrator.MigrateAsync();

        var asBytes = await db.Database.SqlQuery<byte[]>($"SELECT foto_ktp AS \"Value\" FROM borrower_documents UNION ALL SELECT foto_selfie FROM borrower_documents").ToListAsync();
        Assert.Equal([TestPeople.SamplePhoto, "https://cdn.partner.example/selfie/1.jpg"], asBytes.Select(system.Protector.Unprotect));

        await migrator.MigrateAsync(PhotosStoredAsText);

        var asText = await db.Database.SqlQuery<string>($"SELECT foto_ktp AS \"Value\" FROM borrower_documents UNION ALL SELECT foto_selfie FROM borrower_documents").ToListAsync();
        Assert.Equal([ktp, selfie], asText);
    }

    [Fact]
    public async Task A_photo_that_is_not_an_encrypted_value_stops_the_migration_instead_of_being_lost()
    {
        await using var scratch = await ScratchDatabase.AtAsync(system, PhotosStoredAsText);
        var (db, migrator) = (scratch.Db, scratch.Db.GetService<IMigrator>());
        await StorePhotosAsync(scratch, TestPeople.SamplePhoto, system.Protector.Protect(TestPeople.SamplePhoto));

        var refused = await Assert.ThrowsAsync<PostgresException>(() => migrator.MigrateAsync());

        Assert.Equal(PostgresErrorCodes.RaiseException, refused.SqlState);
        var stored = await db.Database.SqlQuery<string>($"SELECT foto_ktp AS \"Value\" FROM borrower_documents").SingleAsync();
        Assert.Equal(TestPeople.SamplePhoto, stored);
    }

    /// <summary>One borrower's photos, as the Api stored them before the migration.</summary>
    private static Task StorePhotosAsync(ScratchDatabase scratch, string ktp, string selfie) =>
        scratch.StoreAsync($"INSERT INTO borrower_documents (id, foto_ktp, foto_selfie) VALUES (1, {ktp}, {selfie})");
}
