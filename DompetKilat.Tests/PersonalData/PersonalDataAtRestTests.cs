using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using DompetKilat.Lending.Data.PersonalData;
using DompetKilat.ServiceDefaults;
using DompetKilat.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace DompetKilat.Tests.PersonalData;

/// <summary>API-CONTRACT §12: what the database holds of a person is unreadable without the keys, and stays where it was written.</summary>
[Collection(DompetKilatAppCollection.Name)]
public sealed class PersonalDataAtRestTests(DompetKilatApp system)
{
    [Fact]
    public async Task A_dump_of_the_database_after_a_registration_and_a_loan_application_holds_none_of_the_persons_values()
    {
        var registration = TestPeople.Registration();
        var n = registration["idNumber"]!.GetValue<string>()[^6..];
        registration["fullName"] = $"Prameswari Kusumawardhani {n}";
        registration["birthDate"] = "17/08/1961";
        Assert.Equal("00", (await system.Api.PostJsonAsync("/v1/borrower/register", registration.ToJsonString())).Body.Status());
        var application = TestPeople.LoanApplication(registration);
        application["fullName"] = registration["fullName"]!.GetValue<string>();
        application["birthDate"] = "17/08/1961";
        application["birthPlace"] = $"Tanjungbalai Karimun {n}";
        application["address"] = $"Jl Kenanga Wangi No. {n}";
        application["village"] = $"Desa Sukamakmur {n}";
        application["motherMaidenName"] = $"Sulastri Wiryokusumo {n}";
        application["familyCard"] = $"3174099988{n}";
        application["bankAccountNumber"] = $"5566778{n}";
        application["emergencyContactName"] = $"Bambang Wibisono {n}";
        application["emergencyContactNumber"] = $"62899{n}1234";
        application["references"]!["npwp"] = $"091234567{n}";
        var photo = RandomNumberGenerator.GetBytes(4_000);
        application["fotoKtp"] = Convert.ToBase64String(photo);
        var (status, answer) = await system.Api.PostJsonAsync("/v1/loan/register", application.ToJsonString());
        Assert.True(status == HttpStatusCode.OK, answer.ToJsonString());
        var (_, profile) = await system.Api.GetJsonAsync($"/v1/borrower/{registration["idNumber"]}");
        Assert.Equal(application["motherMaidenName"]!.GetValue<string>(), profile["data"]!["motherMaidenName"]!.GetValue<string>());

        var dump = await DumpAsync();

        string[] personal =
        [
            .. new[] { "idNumber", "phoneNumber", "email", "fullName" }.Select(f => registration[f]!.GetValue<string>()),
            .. new[] { "birthPlace", "address", "village", "motherMaidenName", "familyCard", "bankAccountNumber", "emergencyContactName",
                "emergencyContactNumber", "fotoKtp" }.Select(f => application[f]!.GetValue<string>()),
            application["references"]!["npwp"]!.GetValue<string>(),
            "1961-08-17", "17/08/1961", Convert.ToHexString(photo.AsSpan(0, 64)).ToLowerInvariant(),
        ];
        Assert.Contains("COPY public.borrowers", dump, StringComparison.Ordinal);
        Assert.All(personal, value => Assert.False(dump.Contains(value, StringComparison.Ordinal), $"the dump holds '{value}' in clear"));
    }

    [Fact]
    public async Task Personal_data_moved_to_another_borrowers_row_is_refused_with_99_and_the_log_names_the_row_and_column()
    {
        var (first, firstId) = await BorrowerWithProfileAsync();
        var (second, secondId) = await BorrowerWithProfileAsync();
        await using var db = await system.CreateDbContextAsync();

        await db.Database.ExecuteSqlAsync($"""
            UPDATE borrowers b SET personal_data = a.personal_data FROM borrowers a WHERE b.id = {secondId} AND a.id = {firstId}
            """);
        await AssertRefusedAsync(second, $"borrowers.personal_data of row {secondId}", first);

        await db.Database.ExecuteSqlAsync($"""
            UPDATE borrowers b SET personal_data = a.personal_data, data_key = a.data_key, data_key_id = a.data_key_id
            FROM borrowers a WHERE b.id = {secondId} AND a.id = {firstId}
            """);
        await AssertRefusedAsync(second, $"borrowers.data_key of row {secondId}", first);

        var (third, thirdId) = await BorrowerWithProfileAsync();
        await db.Database.ExecuteSqlAsync($"""
            UPDATE borrower_documents d SET foto_ktp = a.foto_ktp FROM borrower_documents a WHERE d.id = {thirdId} AND a.id = {firstId}
            """);
        await AssertRefusedAsync(third, $"borrower_documents.foto_ktp of row {thirdId}", first);
    }

    private async Task AssertRefusedAsync(JsonObject registration, string where, JsonObject other)
    {
        var since = system.ServiceLogs.Count;

        var (status, body) = await system.Api.GetJsonAsync($"/v1/borrower/{registration["idNumber"]}");

        Assert.Equal((HttpStatusCode.InternalServerError, "99"), (status, body.Status()));
        Assert.DoesNotContain(other["idNumber"]!.GetValue<string>(), body.ToJsonString(), StringComparison.Ordinal);
        await system.WaitForLogAsync($"Personal data unreadable in {where}", since);
    }

    private async Task<(JsonObject Registration, long Id)> BorrowerWithProfileAsync()
    {
        var registration = TestPeople.Registration();
        var (_, registered) = await system.Api.PostJsonAsync("/v1/borrower/register", registration.ToJsonString());
        var (status, answer) = await system.Api.PostJsonAsync("/v1/loan/register", TestPeople.LoanApplication(registration).ToJsonString());
        Assert.True(status == HttpStatusCode.OK, answer.ToJsonString());
        return (registration, registered["data"]!["id"]!.GetValue<long>());
    }

    /// <summary>What <c>pg_dump</c> of the product database, as its owner, writes: schema and every row.</summary>
    private async Task<string> DumpAsync()
    {
        var connection = new NpgsqlConnectionStringBuilder(await system.App.GetConnectionStringAsync(ResourceNames.LendingDatabase));
        var start = new ProcessStartInfo("pg_dump", ["--no-owner", "-h", connection.Host!, "-p", connection.Port.ToString(CultureInfo.InvariantCulture),
            "-U", connection.Username!, "-d", connection.Database!])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["PGPASSWORD"] = connection.Password },
        };
        using var dump = Process.Start(start)!;
        var output = dump.StandardOutput.ReadToEndAsync();
        var errors = await dump.StandardError.ReadToEndAsync();
        await dump.WaitForExitAsync();
        Assert.True(dump.ExitCode == 0, errors);
        return await output;
    }
}
