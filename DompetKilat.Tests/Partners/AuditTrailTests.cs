using DompetKilat.Lending.Data.PersonalData;
using System.Globalization;
using System.Text.Json.Nodes;
using DompetKilat.Lending.Data;
using DompetKilat.ServiceDefaults;
using DompetKilat.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace DompetKilat.Tests.Partners;

/// <summary>API-CONTRACT §8 "Audit": who has seen this person's data, with no personal value in the trail.</summary>
[Collection(DompetKilatAppCollection.Name)]
public sealed class AuditTrailTests(DompetKilatApp system)
{
    [Fact]
    public async Task The_trail_lists_owner_and_stranger_reads_newest_first_without_personal_values()
    {
        var (owner, stranger) = (await system.NewPartnerAsync(), await system.NewPartnerAsync());
        var (registration, loanId, loanCode) = await system.BorrowerWithApprovedLoanAsync(owner);
        var idNumber = registration["idNumber"]!.GetValue<string>();
        await system.Api.GetAsPartnerAsync($"/v1/borrower/{idNumber}", owner.ApiKey);
        await system.Api.GetAsPartnerAsync($"/v1/borrower/{idNumber}", stranger.ApiKey);
        await system.Api.GetAsPartnerAsync($"/v1/loan/{loanCode}", stranger.ApiKey);

        var entries = await TrailAsync(idNumber, expected: 6);

        Assert.Equal(
        [
            (stranger.Code, "GET /v1/loan/{loanCode}", "001"),
            (stranger.Code, "GET /v1/borrower/{idNumber}", "001"),
            (owner.Code, "GET /v1/borrower/{idNumber}", "00"),
            ("back-office", "POST /v1/admin/loan/{id:long}/approve", "00"),
            (owner.Code, "POST /v1/loan/register", "00"),
            (owner.Code, "POST /v1/borrower/register", "00"),
        ], entries.Select(e => (e["actor"]!.GetValue<string>(), e["action"]!.GetValue<string>(), e["outcome"]!.GetValue<string>())));
        Assert.Equal(loanId, entries[0]["loanId"]!.GetValue<long>());
        var trail = new JsonArray([.. entries.Select(e => e.DeepClone())]).ToJsonString();
        foreach (var personal in new[] { "idNumber", "phoneNumber", "email", "fullName" }.Select(f => registration[f]!.GetValue<string>()))
        {
            Assert.DoesNotContain(personal, trail, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_trail_is_paged()
    {
        var partner = await system.NewPartnerAsync();
        var registration = TestPeople.Registration();
        await system.Api.PostAsPartnerAsync("/v1/borrower/register", registration, partner.ApiKey);
        for (var i = 0; i < 3; i++)
        {
            await system.Api.GetAsPartnerAsync($"/v1/borrower/{registration["idNumber"]}", partner.ApiKey);
        }

        await TrailAsync(registration["idNumber"]!.GetValue<string>(), expected: 4);
        var (_, first) = await system.AdminAsync(HttpMethod.Get, $"/v1/admin/audit?idNumber={registration["idNumber"]}&pageSize=3");
        var (_, second) = await system.AdminAsync(HttpMethod.Get, $"/v1/admin/audit?idNumber={registration["idNumber"]}&pageSize=3&page=2");

        Assert.True(first["data"]!["hasMore"]!.GetValue<bool>());
        Assert.Equal(3, first["data"]!["entries"]!.AsArray().Count);
        Assert.False(second["data"]!["hasMore"]!.GetValue<bool>());
        Assert.Equal("POST /v1/borrower/register", second["data"]!["entries"]![0]!["action"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_services_role_may_append_to_the_trail_but_not_rewrite_it()
    {
        var connectionString = await system.App.GetConnectionStringAsync(ResourceNames.LendingDatabase);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using (var role = new NpgsqlCommand($"SET ROLE {LendingDatabaseExtensions.ServiceRole}", connection))
        {
            await role.ExecuteNonQueryAsync();
        }

        await using var insert = new NpgsqlCommand(
            "INSERT INTO audit_events (occurred_at, actor, action, outcome) VALUES (now(), 'test', 'TEST', '00')", connection);
        await using var update = new NpgsqlCommand("UPDATE audit_events SET outcome = '00'", connection);
        await using var delete = new NpgsqlCommand("DELETE FROM audit_events", connection);

        Assert.Equal(1, await insert.ExecuteNonQueryAsync());
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, (await Assert.ThrowsAsync<PostgresException>(() => update.ExecuteNonQueryAsync())).SqlState);
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, (await Assert.ThrowsAsync<PostgresException>(() => delete.ExecuteNonQueryAsync())).SqlState);
    }

    [Fact]
    public async Task A_write_and_its_audit_entry_commit_together()
    {
        var partner = await system.NewPartnerAsync();
        var registration = TestPeople.Registration();

        await system.Api.PostAsPartnerAsync("/v1/borrower/register", registration, partner.ApiKey);

        // No waiting: the registration's entry is in the same transaction, not in the read queue.
        await using var db = await system.CreateDbContextAsync();
        var nik = registration["idNumber"]!.GetValue<string>();
        var borrowerId = await db.Borrowers.HavingIdNumber(system.BlindIndex, nik).Select(b => b.Id).SingleAsync();
        Assert.True(await db.AuditEvents.AnyAsync(e => e.BorrowerId == borrowerId && e.Action == "POST /v1/borrower/register" && e.Outcome == "00"));
    }

    /// <summary>Reads are appended in batches off the request path, so the trail is read until it holds what the test did.</summary>
    [Fact]
    public async Task An_entry_the_database_refuses_is_set_aside_and_later_entries_are_still_written()
    {
        var (doomed, survivor) = (await system.NewPartnerAsync(), await system.NewPartnerAsync());
        await using var db = await system.CreateDbContextAsync();
        var doomedId = await db.Partners.Where(p => p.Code == doomed.Code).Select(p => p.Id).SingleAsync();
        var survivorId = await db.Partners.Where(p => p.Code == survivor.Code).Select(p => p.Id).SingleAsync();
        // Making a partner waits until its key is in force, with reads the trail records.
        var doomedEntries = await db.AuditEvents.CountAsync(e => e.PartnerId == doomedId);

        // Hold the trail's writer back while the database is given a rule the doomed partner's entries
        // break: it refuses them as it would any entry it can never take.
        var refusal = "ALTER TABLE audit_events ADD CONSTRAINT test_refuses_doomed CHECK (partner_id IS DISTINCT FROM "
                      + doomedId.ToString(CultureInfo.InvariantCulture) + ") NOT VALID";
        Task<(HttpStatusCode Status, JsonObject Body)> doomedRead;
        await using (var hold = await db.Database.BeginTransactionAsync())
        {
            await db.Database.ExecuteSqlRawAsync("LOCK TABLE audit_events IN SHARE ROW EXCLUSIVE MODE");
            doomedRead = system.Api.GetAsPartnerAsync($"/v1/borrower/{TestPeople.NewIdentity().IdNumber}", doomed.ApiKey);
            await Task.Delay(300);
            await db.Database.ExecuteSqlRawAsync(refusal);
            await hold.CommitAsync();
        }

        var written = false;
        try
        {
            // Its answer waited for its entry, which can never be written: it is refused, not served unrecorded.
            Assert.Equal("99", (await doomedRead).Body.Status());
            var since = DateTime.UtcNow;
            await system.Api.GetAsPartnerAsync($"/v1/borrower/{TestPeople.NewIdentity().IdNumber}", survivor.ApiKey);
            for (var deadline = DateTime.UtcNow.AddSeconds(10); !written && DateTime.UtcNow < deadline; await Task.Delay(100))
            {
                written = await db.AuditEvents.AnyAsync(e => e.PartnerId == survivorId && e.OccurredAt >= since.AddSeconds(-1));
            }
        }
        finally
        {
            await db.Database.ExecuteSqlRawAsync("ALTER TABLE audit_events DROP CONSTRAINT test_refuses_doomed");
        }

        Assert.True(written, "a later read's entry never reached the trail");
        Assert.Equal(doomedEntries, await db.AuditEvents.CountAsync(e => e.PartnerId == doomedId));
    }

    private async Task<List<JsonObject>> TrailAsync(string idNumber, int expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var (status, body) = await system.AdminAsync(HttpMethod.Get, $"/v1/admin/audit?idNumber={idNumber}");
            Assert.Equal(HttpStatusCode.OK, status);
            var entries = body["data"]!["entries"]!.AsArray().Select(e => e!.AsObject()).ToList();
            if (entries.Count >= expected || DateTime.UtcNow > deadline)
            {
                Assert.Equal(expected, entries.Count);
                return entries;
            }

            await Task.Delay(100);
        }
    }
}
