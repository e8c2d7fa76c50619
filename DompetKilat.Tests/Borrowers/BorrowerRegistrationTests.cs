using DompetKilat.Lending.Data.PersonalData;
using System.Text.Json;
using System.Text.Json.Nodes;
using DompetKilat.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace DompetKilat.Tests.Borrowers;

[Collection(DompetKilatAppCollection.Name)]
public sealed class BorrowerRegistrationTests(DompetKilatApp system)
{
    [Fact]
    public async Task The_reference_request_answers_the_reference_shape()
    {
        var request = TestPeople.Registration();

        var (status, body) = await system.Api.PostJsonAsync("/v1/borrower/register", request.ToJsonString());

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("00", body.Status());
        Assert.Equal("success", body["message"]!.GetValue<string>());
        var data = body["data"]!.AsObject();
        string[] referenceOrder =
        [
            "id", "borrowerBankId", "jobId", "jobTypeId", "jobOnlineId", "incomeId", "assetId", "referenceId",
            "workExperienceId", "emergencyContactId", "maritalId", "educationId", "religionId", "borrowerType",
            "phoneNumber", "idNumber", "email", "fullName", "gender", "birthDate", "birthPlace", "address", "village",
            "subdistrict", "city", "province", "postalCode", "motherMaidenName", "jobPosition", "familyCard", "npwp",
            "fotoKtp", "fotoSelfie", "isVerified", "status", "borrowerBanks", "jobs", "jobTypes", "jobOnlines",
            "incomes", "assets", "borrowerReferences", "workExperiences", "emergencyContacts", "maritals",
            "educations", "religions", "createdAt", "updatedAt", "deletedAt",
        ];
        Assert.Equal(referenceOrder, data.Select(p => p.Key).ToArray());
        Assert.Equal(JsonValueKind.Number, data.KindOf("id"));
        Assert.Equal(0, data["borrowerBankId"]!.GetValue<long>());
        Assert.Equal("PERSONAL_BORROWER", data["borrowerType"]!.GetValue<string>());
        Assert.Equal(request["idNumber"]!.GetValue<string>(), data["idNumber"]!.GetValue<string>());
        Assert.Equal(request["phoneNumber"]!.GetValue<string>(), data["phoneNumber"]!.GetValue<string>());
        Assert.Equal("1999-09-30T00:00:00Z", data["birthDate"]!.GetValue<string>());
        Assert.Equal("", data["gender"]!.GetValue<string>());
        Assert.Equal(JsonValueKind.Null, data.KindOf("jobPosition"));
        Assert.Equal(JsonValueKind.Null, data.KindOf("fotoKtp"));
        Assert.Equal(JsonValueKind.False, data.KindOf("isVerified"));
        Assert.Equal(JsonValueKind.Null, data.KindOf("deletedAt"));
        Assert.EndsWith("Z", data["createdAt"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_registered_borrower_can_be_read_back_as_the_reference_profile()
    {
        var request = TestPeople.Registration();
        await system.Api.PostJsonAsync("/v1/borrower/register", request.ToJsonString());

        var (status, body) = await system.Api.GetJsonAsync($"/v1/borrower/{request["idNumber"]}");

        Assert.Equal(HttpStatusCode.OK, status);
        var data = body["data"]!.AsObject();
        Assert.Equal("PERSONAL_BORROWER", data["map"]!.GetValue<string>());
        Assert.Equal("95", data["productCode"]!.GetValue<string>());
        Assert.Equal("30/09/1999", data["birthDate"]!.GetValue<string>());
        Assert.Equal(request["email"]!.GetValue<string>(), data["email"]!.GetValue<string>());
        Assert.Equal(JsonValueKind.Null, data.KindOf("loanData"));
        Assert.Equal(JsonValueKind.Null, data.KindOf("references"));
    }

    [Fact]
    public async Task An_unknown_borrower_is_001_in_the_reference_wording()
    {
        var (status, body) = await system.Api.GetJsonAsync("/v1/borrower/3626382876387831");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("001", body.Status());
        Assert.Equal("IdNumber 3626382876387831 record not found", body["message"]!.GetValue<string>());
        Assert.Equal(JsonValueKind.Object, body.KindOf("data"));
    }

    [Theory]
    [InlineData("idNumber")]
    [InlineData("phoneNumber")]
    [InlineData("email")]
    public async Task Each_identifying_field_can_be_registered_only_once(string field)
    {
        var first = TestPeople.Registration();
        await system.Api.PostJsonAsync("/v1/borrower/register", first.ToJsonString());
        var second = TestPeople.Registration();
        second[field] = first[field]!.GetValue<string>();

        var (status, body) = await system.Api.PostJsonAsync("/v1/borrower/register", second.ToJsonString());

        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal("02", body.Status());
        Assert.Equal($"{field} {first[field]} is already registered", body["message"]!.GetValue<string>());
        await using var db = await system.CreateDbContextAsync();
        string idNumber = second["idNumber"]!.GetValue<string>(), phone = second["phoneNumber"]!.GetValue<string>(), email = second["email"]!.GetValue<string>();
        Assert.Equal(1, await db.Borrowers.HavingAnyOf(system.BlindIndex, idNumber, phone, email).CountAsync());
    }

    [Fact]
    public async Task A_duplicate_registration_is_an_answer_not_an_error_in_the_log()
    {
        var first = TestPeople.Registration();
        await system.Api.PostJsonAsync("/v1/borrower/register", first.ToJsonString());
        var marker = TestPeople.Registration();
        var since = system.ServiceLogs.Count;

        var (status, _) = await system.Api.PostJsonAsync("/v1/borrower/register", first.ToJsonString());
        // Registered after the duplicate: once its log line is in, the duplicate's would be too.
        await system.Api.PostJsonAsync("/v1/borrower/register", marker.ToJsonString());
        await system.WaitForLogAsync("registered for product", since);

        Assert.Equal(HttpStatusCode.Conflict, status);
        // EF's "Failed executing DbCommand" (20102) and "exception while saving changes" (10000).
        Assert.DoesNotContain(system.ServiceLogs, line => line.Contains("[20102]", StringComparison.Ordinal) || line.Contains("Update[10000]", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Racing_registrations_of_one_person_leave_exactly_one_borrower()
    {
        var request = TestPeople.Registration().ToJsonString();

        var results = await Task.WhenAll(Enumerable.Range(0, 20)
            .Select(_ => system.Api.PostJsonAsync("/v1/borrower/register", request)));

        Assert.Single(results, r => r.Status == HttpStatusCode.OK);
        Assert.All(results.Where(r => r.Status != HttpStatusCode.OK), r => Assert.Equal("02", r.Body.Status()));
        var idNumber = JsonNode.Parse(request)!["idNumber"]!.GetValue<string>();
        await using var db = await system.CreateDbContextAsync();
        Assert.Equal(1, await db.Borrowers.HavingIdNumber(system.BlindIndex, idNumber).CountAsync());
    }

    [Theory]
    [InlineData("map", "\"CORPORATE\"")]
    [InlineData("map", "null")]
    [InlineData("phoneNumber", "\"08123123123\"")]
    [InlineData("phoneNumber", "\"62123\"")]
    [InlineData("phoneNumber", "\"62-8123-1231\"")]
    [InlineData("email", "\"not-an-email\"")]
    [InlineData("fullName", "\"\"")]
    [InlineData("idNumber", "\"36263828763878312\"")]
    [InlineData("idNumber", "\"36263828A638783\"")]
    [InlineData("birthDate", "\"1999-09-30\"")]
    [InlineData("birthDate", "\"31/02/1999\"")]
    [InlineData("birthDate", "\"01/01/2999\"")]
    [InlineData("productCode", "\"no-such-product\"")]
    [InlineData("idNumber", "362638287638783")]
    [InlineData("birthDate", "{}")]
    [InlineData("phoneNumber", "null")]
    [InlineData("email", "null")]
    [InlineData("birthDate", "null")]
    public async Task A_field_that_breaks_its_rule_is_01_naming_the_field_and_stores_nothing(string field, string badJson)
    {
        var request = TestPeople.Registration();
        var (idNumber, phone, email) = (request["idNumber"]!.GetValue<string>(), request["phoneNumber"]!.GetValue<string>(), request["email"]!.GetValue<string>());
        request[field] = JsonNode.Parse(badJson);

        var (status, body) = await system.Api.PostJsonAsync("/v1/borrower/register", request.ToJsonString());

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("01", body.Status());
        Assert.Contains(field, body.ErrorFields());
        await using var db = await system.CreateDbContextAsync();
        Assert.False(await db.Borrowers.HavingAnyOf(system.BlindIndex, idNumber, phone, email).AnyAsync());
    }

    [Fact]
    public async Task A_phone_number_sent_as_a_json_number_is_accepted_as_the_reference_table_types_it()
    {
        var request = TestPeople.Registration();
        request["phoneNumber"] = long.Parse(request["phoneNumber"]!.GetValue<string>());

        var (status, body) = await system.Api.PostJsonAsync("/v1/borrower/register", request.ToJsonString());

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(JsonValueKind.String, body["data"]!.AsObject().KindOf("phoneNumber"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("[1,2]")]
    [InlineData("{\"map\": \"PERSONAL_BORROWER\",}")]
    [InlineData("null")]
    public async Task Malformed_bodies_are_01_in_the_envelope(string json)
    {
        var (status, body) = await system.Api.PostJsonAsync("/v1/borrower/register", json);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("01", body.Status());
    }

    [Fact]
    public async Task A_body_over_64_KiB_is_06()
    {
        var request = TestPeople.Registration();
        request["fullName"] = new string('x', 70 * 1024);

        // As curl sends a large body: the refusal arrives before the upload, never racing a reset.
        var (status, body) = await system.Api.PostLargeJsonAsync("/v1/borrower/register", request.ToJsonString());

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Equal("06", body.Status());
    }

    [Theory]
    [InlineData("O'Brien\"; DROP TABLE borrowers; --")]
    [InlineData("Siti Nurhaliza 😀")]
    [InlineData("王小明 محمد")]
    public async Task Hostile_and_non_latin_names_are_stored_and_returned_verbatim(string fullName)
    {
        var request = TestPeople.Registration();
        request["fullName"] = fullName;

        await system.Api.PostJsonAsync("/v1/borrower/register", request.ToJsonString());
        var (_, body) = await system.Api.GetJsonAsync($"/v1/borrower/{request["idNumber"]}");

        Assert.Equal(fullName, body["data"]!["fullName"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_unknown_v1_route_answers_in_the_envelope()
    {
        var (status, body) = await system.Api.GetJsonAsync("/v1/no-such-route");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("001", body.Status());
    }

    [Fact]
    public async Task A_wrong_method_on_a_known_route_answers_in_the_envelope()
    {
        using var response = await system.Api.DeleteAsync("/v1/borrower/register");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("001", (await ContractJson.ReadEnvelopeAsync(response)).Status());
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData(null)]
    public async Task A_body_that_is_not_declared_json_is_01_and_stores_nothing(string? mediaType)
    {
        var request = TestPeople.Registration();
        using var content = new StringContent(request.ToJsonString());
        content.Headers.ContentType = mediaType is null ? null : new System.Net.Http.Headers.MediaTypeHeaderValue(mediaType);

        using var response = await system.Api.PostAsync("/v1/borrower/register", content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await ContractJson.ReadEnvelopeAsync(response);
        Assert.Equal("01", body.Status());
        Assert.Contains("body", body.ErrorFields());
        await using var db = await system.CreateDbContextAsync();
        Assert.False(await db.Borrowers.HavingAnyOf(system.BlindIndex, request["idNumber"]!.GetValue<string>(),
            request["phoneNumber"]!.GetValue<string>(), request["email"]!.GetValue<string>()).AnyAsync());
    }
}
