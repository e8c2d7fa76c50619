using System.Text.Json.Nodes;
using DompetKilat.Lending.Data.PersonalData;
using DompetKilat.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace DompetKilat.Tests.PersonalData;

/// <summary>API-CONTRACT §12: a person's data erased on request or when it is no longer needed, and exported on request.</summary>
[Collection(DompetKilatAppCollection.Name)]
public sealed class ErasureTests(DompetKilatApp system)
{
    [Fact]
    public async Task An_erased_borrower_is_unknown_to_its_partner_which_is_told_while_its_loan_keeps_its_money_history()
    {
        await using var receiver = await PartnerReceiver.StartAsync();
        var partner = await system.NewPartnerListeningAtAsync(receiver);
        var (registration, loanId, loanCode) = await system.BorrowerWithApprovedLoanAsync(partner);
        var nik = registration["idNumber"]!.GetValue<string>();
        var borrowerId = await BorrowerIdAsync(nik);

        var (refused, refusal) = await EraseAsync(nik);
        Assert.Equal((HttpStatusCode.Conflict, "04"), (refused, refusal.Status()));
        Assert.Contains(loanCode, refusal["message"]!.GetValue<string>(), StringComparison.Ordinal);

        var (rejected, _) = await system.AdminPostAsync($"/v1/admin/loan/{loanId}/reject", """{"reason": "withdrawn by the borrower"}""");
        Assert.Equal(HttpStatusCode.OK, rejected);
        var (status, erased) = await EraseAsync(nik);

        Assert.True(status == HttpStatusCode.OK, erased.ToJsonString());
        Assert.Equal(borrowerId, erased["data"]!["id"]!.GetValue<long>());
        Assert.Equal([loanCode], erased["data"]!["loanCodes"]!.AsArray().Select(c => c!.GetValue<string>()));
        Assert.Equal((HttpStatusCode.NotFound, "001"), await StatusOfAsync(system.Api.GetAsPartnerAsync($"/v1/borrower/{nik}", partner.ApiKey)));
        var (loanRead, loan) = await system.Api.GetAsPartnerAsync($"/v1/loan/{loanCode}", partner.ApiKey);
        Assert.Equal((HttpStatusCode.OK, "REJECTED", 1000000L), (loanRead, loan["data"]!["status"]!.GetValue<string>(), loan["data"]!["amount"]!.GetValue<long>()));

        var told = await WaitForAsync(() => receiver.Received.FirstOrDefault(e => e.Type == "borrower.erased"));
        Assert.True(told.SignatureValid);
        Assert.Equal(borrowerId, told.Body["data"]!["id"]!.GetValue<long>());
        Assert.DoesNotContain(nik, told.Body.ToJsonString(), StringComparison.Ordinal);

        await using var db = await system.CreateDbContextAsync();
        var left = await db.Database.SqlQuery<int>($"""
            SELECT count(*)::int AS "Value" FROM borrowers
            WHERE id = {borrowerId} AND personal_data IS NULL AND data_key IS NULL AND data_key_id IS NULL
              AND id_number_index IS NULL AND phone_number_index IS NULL AND email_index IS NULL AND erased_at IS NOT NULL
            """).SingleAsync();
        Assert.Equal(1, left);
        Assert.False(await db.Database.SqlQuery<int>($"""SELECT 1 AS "Value" FROM borrower_documents WHERE id = {borrowerId}""").AnyAsync());
        Assert.Equal(1, await db.AuditEvents.CountAsync(e => e.BorrowerId == borrowerId && e.Action == "POST /v1/admin/borrowers/erasure" && e.Outcome == "00"));

        // The person may come back: their NIK, phone and email are free again.
        Assert.Equal((HttpStatusCode.OK, "00"), await StatusOfAsync(system.Api.PostAsPartnerAsync("/v1/borrower/register", registration, partner.ApiKey)));
    }

    [Fact]
    public async Task Two_erasures_of_one_borrower_on_two_replicas_at_once_erase_it_once()
    {
        var registration = await system.RegisteredBorrowerAsync();
        var nik = registration["idNumber"]!.GetValue<string>();
        var borrowerId = await BorrowerIdAsync(nik);
        var replicas = system.BackOfficeReplicaClients();

        var answers = await Task.WhenAll(replicas.Select(replica => replica.SendAsync(
            HttpMethod.Post, "/v1/admin/borrowers/erasure", new JsonObject { ["idNumber"] = nik }.ToJsonString(), system.Bearer(Operators.Maker))));

        Assert.Equal(["00", "001"], answers.Select(a => a.Body.Status()).Order(StringComparer.Ordinal));
        await using var db = await system.CreateDbContextAsync();
        Assert.Equal(1, await ErasedEventsAsync(db, borrowerId));
        Assert.Equal(1, await db.AuditEvents.CountAsync(e => e.BorrowerId == borrowerId && e.Action == "POST /v1/admin/borrowers/erasure" && e.Outcome == "00"));
        foreach (var replica in replicas)
        {
            replica.Dispose();
        }
    }

    [Fact]
    public async Task The_retention_job_erases_each_borrower_past_its_period_once_and_keeps_the_rest()
    {
        var unapplied = await BorrowerIdAsync((await system.RegisteredBorrowerAsync())["idNumber"]!.GetValue<string>());
        var recent = await BorrowerIdAsync((await system.RegisteredBorrowerAsync())["idNumber"]!.GetValue<string>());
        var loanId = await system.AppliedLoanAsync();
        var (rejected, _) = await system.AdminPostAsync($"/v1/admin/loan/{loanId}/reject", """{"reason": "income could not be verified"}""");
        Assert.Equal(HttpStatusCode.OK, rejected);
        await using var db = await system.CreateDbContextAsync();
        var closed = await db.Loans.Where(l => l.Id == loanId).Select(l => l.BorrowerId).SingleAsync();

        // Registered two years ago and never applied; a loan rejected six years ago.
        await db.Database.ExecuteSqlAsync($"UPDATE borrowers SET created_at = created_at - interval '2 years' WHERE id = {unapplied}");
        await db.Database.ExecuteSqlAsync($"UPDATE loans SET updated_at = updated_at - interval '6 years' WHERE id = {loanId}");

        await WaitForAsync(async () => await db.Borrowers.CountAsync(b => (b.Id == unapplied || b.Id == closed) && b.ErasedAt != null) == 2 ? true : (bool?)null);
        await Task.Delay(TimeSpan.FromSeconds(4));
        Assert.Null(await db.Borrowers.Where(b => b.Id == recent).Select(b => b.ErasedAt).SingleAsync());
        foreach (var id in new[] { unapplied, closed })
        {
            Assert.Equal(1, await ErasedEventsAsync(db, id));
            Assert.Equal(1, await db.AuditEvents.CountAsync(e => e.BorrowerId == id && e.Actor == "retention"));
        }
    }

    [Fact]
    public async Task An_access_request_exports_every_personal_value_and_every_audit_entry_about_the_person_and_is_itself_audited()
    {
        var registration = await system.RegisteredBorrowerAsync();
        var application = TestPeople.LoanApplication(registration);
        var (applied, _) = await system.Api.PostJsonAsync("/v1/loan/register", application.ToJsonString());
        Assert.Equal(HttpStatusCode.OK, applied);
        var nik = registration["idNumber"]!.GetValue<string>();
        await system.Api.GetJsonAsync($"/v1/borrower/{nik}");

        var (status, export) = await system.AdminPostAsync("/v1/admin/borrowers/access-request", new JsonObject { ["idNumber"] = nik }.ToJsonString());

        Assert.True(status == HttpStatusCode.OK, export.ToJsonString());
        var data = export["data"]!;
        var profile = data["profile"]!;
        foreach (var field in new[] { "idNumber", "phoneNumber", "email", "fullName" })
        {
            Assert.Equal(registration[field]!.GetValue<string>(), profile[field]!.GetValue<string>());
        }

        foreach (var field in new[] { "motherMaidenName", "familyCard", "bankAccountNumber", "address", "emergencyContactName", "fotoKtp" })
        {
            Assert.Equal(application[field]!.GetValue<string>(), profile[field]!.GetValue<string>());
        }

        Assert.Equal(application["references"]!["npwp"]!.GetValue<string>(), profile["references"]!["npwp"]!.GetValue<string>());
        Assert.Single(data["loans"]!.AsArray());
        var actions = data["auditTrail"]!.AsArray().Select(e => e!["action"]!.GetValue<string>()).ToList();
        Assert.Equal(["POST /v1/borrower/register", "POST /v1/loan/register", "GET /v1/borrower/{idNumber}"], actions);

        var (_, trail) = await system.AdminAsync(HttpMethod.Get, $"/v1/admin/audit?idNumber={nik}");
        Assert.Contains(trail["data"]!["entries"]!.AsArray(), e => e!["action"]!.GetValue<string>() == "POST /v1/admin/borrowers/access-request");
        Assert.Equal((HttpStatusCode.NotFound, "001"),
            await StatusOfAsync(system.AdminPostAsync("/v1/admin/borrowers/access-request", """{"idNumber": "3999999999999999"}""")));
        Assert.Equal((HttpStatusCode.BadRequest, "01"),
            await StatusOfAsync(system.AdminPostAsync("/v1/admin/borrowers/access-request", """{"idNumber": "NIK-1"}""")));
    }

    private Task<(HttpStatusCode Status, JsonObject Body)> EraseAsync(string nik) =>
        system.AdminPostAsync("/v1/admin/borrowers/erasure", new JsonObject { ["idNumber"] = nik }.ToJsonString());

    private async Task<long> BorrowerIdAsync(string nik)
    {
        await using var db = await system.CreateDbContextAsync();
        return await db.Borrowers.HavingIdNumber(system.BlindIndex, nik).Select(b => b.Id).SingleAsync();
    }

    private static Task<int> ErasedEventsAsync(Lending.Data.LendingDbContext db, long borrowerId) =>
        db.Database.SqlQuery<int>($"""
            SELECT count(*)::int AS "Value" FROM partner_events
            WHERE type = 'borrower.erased' AND (body::jsonb -> 'data' ->> 'id')::bigint = {borrowerId}
            """).SingleAsync();

    private static async Task<(HttpStatusCode, string)> StatusOfAsync(Task<(HttpStatusCode Status, JsonObject Body)> call)
    {
        var (status, body) = await call;
        return (status, body.Status());
    }

    private static async Task<T> WaitForAsync<T>(Func<T?> found) => await WaitForAsync(() => Task.FromResult(found()));

    private static async Task<T> WaitForAsync<T>(Func<Task<T?>> found)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            if (await found() is { } value)
            {
                return value;
            }

            Assert.True(DateTime.UtcNow < deadline, "waited 20 s in vain");
            await Task.Delay(200);
        }
    }
}
