using DompetKilat.Lending.Data.PersonalData;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using DompetKilat.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace DompetKilat.Tests.Loans;

[Collection(DompetKilatAppCollection.Name)]
public sealed class LoanApplicationTests(DompetKilatApp system)
{
    private async Task<JsonObject> RegisteredBorrowerAsync()
    {
        var registration = TestPeople.Registration();
        var (status, _) = await system.Api.PostJsonAsync("/v1/borrower/register", registration.ToJsonString());
        Assert.Equal(HttpStatusCode.OK, status);
        return registration;
    }

    [Fact]
    public async Task The_reference_application_creates_an_inactive_loan_in_the_reference_shape()
    {
        var application = TestPeople.LoanApplication(await RegisteredBorrowerAsync());

        var (status, body) = await system.Api.PostJsonAsync("/v1/loan/register", application.ToJsonString());

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("00", body.Status());
        var data = body["data"]!.AsObject();
        string[] referenceOrder =
        [
            "id", "borrowerId", "productId", "state", "status", "loanCode", "plafons", "tenor", "tenorUnit", "amount",
            "contractNo", "contractDate", "interest", "updatedAt", "createdAt", "deletedAt",
        ];
        Assert.Equal(referenceOrder, data.Select(p => p.Key).ToArray());
        Assert.Equal(1, data["state"]!.GetValue<int>());
        Assert.Equal("INACTIVE", data["status"]!.GetValue<string>());
        Assert.Equal("", data["loanCode"]!.GetValue<string>());
        Assert.Equal(JsonValueKind.Number, data.KindOf("plafons"));
        Assert.Equal(1000000, data["plafons"]!.GetValue<long>());
        Assert.Equal(JsonValueKind.Number, data.KindOf("amount"));
        Assert.Equal(1000000, data["amount"]!.GetValue<long>());
        Assert.Equal(2, data["tenor"]!.GetValue<int>());
        Assert.Equal("MONTH", data["tenorUnit"]!.GetValue<string>());
        Assert.Equal("", data["contractNo"]!.GetValue<string>());
        Assert.Equal(JsonValueKind.Null, data.KindOf("contractDate"));
        Assert.Equal("1.0", data["interest"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_profile_then_shows_the_application_as_the_reference_profile()
    {
        var application = TestPeople.LoanApplication(await RegisteredBorrowerAsync());
        await system.Api.PostJsonAsync("/v1/loan/register", application.ToJsonString());

        var (_, body) = await system.Api.GetJsonAsync($"/v1/borrower/{application["idNumber"]}");

        var profile = body["data"]!.AsObject();
        foreach (var (field, value) in application)
        {
            if (field is "loanData" or "references")
            {
                continue;
            }

            Assert.True(JsonNode.DeepEquals(value, profile[field]), $"{field}: sent {value}, profile has {profile[field]}");
        }

        var loanData = profile["loanData"]!.AsObject();
        Assert.Equal(["tenor", "unit", "amount", "contractNo", "contractDate"], loanData.Select(p => p.Key).ToArray());
        Assert.Equal("1000000", loanData["amount"]!.GetValue<string>());
        Assert.Equal("MONTH", loanData["unit"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(application["references"], profile["references"]));
    }

    [Fact]
    public async Task An_application_for_an_unknown_borrower_is_001_in_the_reference_wording()
    {
        var application = TestPeople.LoanApplication(TestPeople.Registration());

        var (status, body) = await system.Api.PostJsonAsync("/v1/loan/register", application.ToJsonString());

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("001", body.Status());
        Assert.Equal($"borrower with idNumber {application["idNumber"]}, is not found", body["message"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("loanData.tenor", "\"2\"")]
    [InlineData("loanData.tenor", "0")]
    [InlineData("loanData.unit", "\"YEAR\"")]
    [InlineData("loanData.amount", "1000000")]
    [InlineData("loanData.amount", "\"-5\"")]
    [InlineData("loanData.amount", "\"1000000.50\"")]
    [InlineData("references.npwp", "\"12345\"")]
    [InlineData("references.interest", "\"satu\"")]
    [InlineData("gender", "\"X\"")]
    [InlineData("emergencyContactNumber", "\"081234567892\"")]
    [InlineData("startDate", "\"2001-04-15\"")]
    [InlineData("plafons", "\"0\"")]
    [InlineData("fotoKtp", "\"http://example.com/ktp.jpg\"")]
    [InlineData("fotoSelfie", "\"<script>\"")]
    [InlineData("motherMaidenName", "null")]
    [InlineData("loanData", "null")]
    [InlineData("phoneNumber", "null")]
    [InlineData("fotoKtp", "null")]
    [InlineData("loanData.unit", "null")]
    [InlineData("references.npwp", "null")]
    public async Task A_field_that_breaks_its_rule_is_01_naming_the_field_and_stores_nothing(string field, string badJson)
    {
        var application = TestPeople.LoanApplication(await RegisteredBorrowerAsync());
        var path = field.Split('.');
        var target = path.Length == 1 ? application : application[path[0]]!.AsObject();
        target[path[^1]] = JsonNode.Parse(badJson);

        var (status, body) = await system.Api.PostJsonAsync("/v1/loan/register", application.ToJsonString());

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("01", body.Status());
        Assert.Contains(field, body.ErrorFields());
        await using var db = await system.CreateDbContextAsync();
        var idNumber = application["idNumber"]!.GetValue<string>();
        var borrowers = db.Borrowers.HavingIdNumber(system.BlindIndex, idNumber);
        Assert.False(await db.Loans.AnyAsync(l => borrowers.Any(b => b.Id == l.BorrowerId)));
    }

    [Fact]
    public async Task Unit_is_accepted_in_any_case_and_stored_upper_case()
    {
        var application = TestPeople.LoanApplication(await RegisteredBorrowerAsync());
        application["loanData"]!["unit"] = "week";

        var (status, body) = await system.Api.PostJsonAsync("/v1/loan/register", application.ToJsonString());

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("WEEK", body["data"]!["tenorUnit"]!.GetValue<string>());
    }

    [Fact]
    public async Task Photos_are_stored_apart_from_the_borrower_row()
    {
        var application = TestPeople.LoanApplication(await RegisteredBorrowerAsync());
        await system.Api.PostJsonAsync("/v1/loan/register", application.ToJsonString());

        await using var db = await system.CreateDbContextAsync();
        var idNumber = application["idNumber"]!.GetValue<string>();
        var borrowerColumns = await db.Database
            .SqlQuery<string>($"SELECT column_name AS \"Value\" FROM information_schema.columns WHERE table_name = 'borrowers'")
            .ToListAsync();
        Assert.DoesNotContain(borrowerColumns, c => c.Contains("foto", StringComparison.Ordinal));
        var borrower = await db.Borrowers.AsNoTracking().Include(b => b.Documents).HavingIdNumber(system.BlindIndex, idNumber).SingleAsync();
        Assert.Equal(TestPeople.SamplePhoto, borrower.Documents!.FotoKtp);
    }

    [Fact]
    public async Task A_second_application_replaces_the_photos_and_the_profile_shows_the_new_ones()
    {
        var application = TestPeople.LoanApplication(await RegisteredBorrowerAsync());
        var (first, _) = await system.Api.PostJsonAsync("/v1/loan/register", application.ToJsonString());
        Assert.Equal(HttpStatusCode.OK, first);
        application["fotoKtp"] = "https://cdn.partner.example/ktp/second.jpg";
        application["fotoSelfie"] = "https://cdn.partner.example/selfie/second.jpg";

        var (second, answer) = await system.Api.PostJsonAsync("/v1/loan/register", application.ToJsonString());

        Assert.True(second == HttpStatusCode.OK, answer.ToJsonString());
        var (_, profile) = await system.Api.GetJsonAsync($"/v1/borrower/{application["idNumber"]}");
        Assert.Equal("https://cdn.partner.example/ktp/second.jpg", profile["data"]!["fotoKtp"]!.GetValue<string>());
        Assert.Equal("https://cdn.partner.example/selfie/second.jpg", profile["data"]!["fotoSelfie"]!.GetValue<string>());
    }

    [Fact]
    public async Task Simultaneous_first_applications_of_one_borrower_each_create_a_loan()
    {
        var application = TestPeople.LoanApplication(await RegisteredBorrowerAsync()).ToJsonString();

        var results = await Task.WhenAll(Enumerable.Range(0, 8)
            .Select(_ => system.Api.PostJsonAsync("/v1/loan/register", application)));

        Assert.All(results, r => Assert.True(r.Status == HttpStatusCode.OK, r.Body.ToJsonString()));
        var idNumber = JsonNode.Parse(application)!["idNumber"]!.GetValue<string>();
        await using var db = await system.CreateDbContextAsync();
        var borrower = await db.Borrowers.AsNoTracking().Include(b => b.Documents).HavingIdNumber(system.BlindIndex, idNumber).SingleAsync();
        Assert.Equal(8, await db.Loans.CountAsync(l => l.BorrowerId == borrower.Id));
        Assert.Equal(TestPeople.SamplePhoto, borrower.Documents!.FotoKtp);
    }

    [Fact]
    public async Task A_photo_in_base64_is_stored_as_its_bytes_and_the_profile_shows_it_exactly_as_sent()
    {
        var application = TestPeople.LoanApplication(await RegisteredBorrowerAsync());
        var photo = Convert.ToBase64String([0xFF, 0xD8, 0xFF, 0xE0, .. RandomNumberGenerator.GetBytes(30_000)]);
        application["fotoKtp"] = photo;

        var (status, answer) = await system.Api.PostJsonAsync("/v1/loan/register", application.ToJsonString());

        Assert.True(status == HttpStatusCode.OK, answer.ToJsonString());
        var idNumber = application["idNumber"]!.GetValue<string>();
        var (_, profile) = await system.Api.GetJsonAsync($"/v1/borrower/{idNumber}");
        Assert.Equal(photo, profile["data"]!["fotoKtp"]!.GetValue<string>());
        Assert.Equal(TestPeople.SamplePhoto, profile["data"]!["fotoSelfie"]!.GetValue<string>());
        await using var db = await system.CreateDbContextAsync();
        var storedBytes = await db.Database.SqlQuery<int>($"""
            SELECT octet_length(d.foto_ktp) AS "Value" FROM borrower_documents d JOIN borrowers b ON b.id = d.id
            WHERE b.id_number_index = {system.BlindIndex.IdNumber(idNumber)}
            """).SingleAsync();
        Assert.InRange(storedBytes, 30_004, 30_004 + 100);
    }

    [Fact]
    public async Task An_application_over_8_MiB_is_06()
    {
        var application = TestPeople.LoanApplication(await RegisteredBorrowerAsync());
        application["fotoKtp"] = new string('A', 9 * 1024 * 1024);

        var (status, body) = await system.Api.PostLargeJsonAsync("/v1/loan/register", application.ToJsonString());

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Equal("06", body.Status());
    }
}
