using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using DompetKilat.Tests.Infrastructure;

namespace DompetKilat.Tests.Api;

/// <summary>
/// Each OpenAPI document must say what the Api really accepts and answers (issue 31): valid
/// traffic through a validating proxy (Prism, pinned in eng/prism; test.sh installs it) in front of
/// the running Api breaks nothing the document says, and no answer, the contract's refusals
/// included, has a status or a body the document does not describe.
/// </summary>
[Collection(DompetKilatAppCollection.Name)]
public sealed class OpenApiConformanceTests(DompetKilatApp system)
{
    private const string UnknownIdNumber = "3999999999999999";

    [Fact]
    public async Task Partner_traffic_through_a_validating_proxy_finds_the_partners_document_true()
    {
        await using var receiver = await PartnerReceiver.StartAsync();
        var partner = await system.NewPartnerListeningAtAsync(receiver);
        await using var prism = await ValidatingProxy.StartAsync(await system.Api.GetStringAsync("/openapi/v1.json"), system.Api.BaseAddress!);
        var api = prism.Client;
        var registration = TestPeople.Registration();
        var idNumber = registration["idNumber"]!.GetValue<string>();
        await Expect(HttpStatusCode.OK, api.PostAsPartnerAsync("/v1/borrower/register", registration, partner.ApiKey));
        await Expect(HttpStatusCode.OK, api.GetAsPartnerAsync($"/v1/borrower/{idNumber}", partner.ApiKey));
        var loan = await Expect(HttpStatusCode.OK, api.PostAsPartnerAsync("/v1/loan/register", TestPeople.LoanApplication(registration), partner.ApiKey));
        var loanId = loan["data"]!["id"]!.GetValue<long>();

        // The lender's decision is the back office's, whose document is proved apart.
        var (approved, approval) = await system.AdminPostAsync($"/v1/admin/loan/{loanId}/approve", "{}");
        Assert.True(approved == HttpStatusCode.OK, approval.ToJsonString());
        var loanCode = approval["data"]!["loanCode"]!.GetValue<string>();
        await Expect(HttpStatusCode.OK, api.GetAsPartnerAsync($"/v1/loan/{loanCode}", partner.ApiKey));

        await Expect(HttpStatusCode.OK, system.PostCallbackAsync("/v1/loan/disburse", LoanJourney.Callback(loanCode).ToJsonString(), client: api));
        await WaitForLoanAsync(partner, loanCode, l => l["status"]!.GetValue<string>() == "ACTIVE");
        await Expect(HttpStatusCode.OK, system.PostCallbackAsync("/v1/callback/loan/repayment",
            LoanJourney.Callback(loanCode, "active", numberOfPay: 1).ToJsonString(), client: api));
        await WaitForLoanAsync(partner, loanCode, l => l["numberOfPay"]!.GetValue<int>() == 1);
        await Expect(HttpStatusCode.OK, api.GetAsPartnerAsync($"/v1/loan/{loanCode}", partner.ApiKey));

        var page = await Expect(HttpStatusCode.OK, api.GetAsPartnerAsync("/v1/events", partner.ApiKey));
        var first = page["data"]!["events"]!.AsArray()[0]!["id"]!.GetValue<string>();
        await Expect(HttpStatusCode.OK, api.GetAsPartnerAsync($"/v1/events?after={first}&limit=2&type=loan.approved&loanCode={loanCode}", partner.ApiKey));
        await Expect(HttpStatusCode.OK, api.GetAsPartnerAsync($"/v1/events/{first}", partner.ApiKey));
        await Expect(HttpStatusCode.OK, api.SendAsync(HttpMethod.Post, $"/v1/events/{first}/redeliver", null, ("X-Partner-Key", partner.ApiKey)));
        await Expect(HttpStatusCode.OK, api.SendAsync(HttpMethod.Post, "/v1/webhooks/test", null, ("X-Partner-Key", partner.ApiKey)));

        // The contract's refusals are answers too, and the document must describe them.
        await Expect(HttpStatusCode.NotFound, api.GetAsPartnerAsync($"/v1/borrower/{UnknownIdNumber}", partner.ApiKey));
        await Expect(HttpStatusCode.NotFound, api.GetAsPartnerAsync("/v1/loan/LC0000000000", partner.ApiKey));
        await Expect(HttpStatusCode.BadRequest, api.GetAsPartnerAsync("/v1/events?limit=500", partner.ApiKey));
        await Expect(HttpStatusCode.Conflict, api.PostAsPartnerAsync("/v1/borrower/register", registration, partner.ApiKey));
        await Expect(HttpStatusCode.Unauthorized, api.GetAsPartnerAsync($"/v1/borrower/{idNumber}", "not-a-key"));
        var invalid = registration.DeepClone().AsObject();
        invalid["email"] = "not an email";
        invalid["birthDate"] = "1999-09-30";
        await Expect(HttpStatusCode.BadRequest, SendInvalidAsync(api, HttpMethod.Post, "/v1/borrower/register", invalid.ToJsonString(), ("X-Partner-Key", partner.ApiKey)));

        prism.AssertNoViolations();
    }

    [Fact]
    public async Task Operator_traffic_through_a_validating_proxy_finds_the_back_office_document_true()
    {
        await using var prism = await ValidatingProxy.StartAsync(
            await system.BackOffice.GetStringAsync("/openapi/back-office.json"), system.BackOffice.BaseAddress!);
        var backOffice = prism.Client;
        var maker = system.Bearer(Operators.Maker);
        var checker = system.Bearer(Operators.Checker);
        var code = PartnerCalls.NewPartnerCode("OA");

        var proposed = await Expect(HttpStatusCode.Accepted, backOffice.SendAsync(HttpMethod.Post, "/v1/admin/partners",
            new JsonObject
            {
                ["partnerCode"] = code, ["name"] = $"Partner {code}", ["allowList"] = new JsonArray("127.0.0.1", "::1"),
                ["productCodes"] = new JsonArray("95"), ["webhookUrl"] = null,
            }.ToJsonString(), maker));
        var changeId = proposed["data"]!["changeId"]!.GetValue<string>();
        await Expect(HttpStatusCode.OK, backOffice.SendAsync(HttpMethod.Get, $"/v1/admin/changes/{changeId}", null, checker));
        await Expect(HttpStatusCode.OK, backOffice.SendAsync(HttpMethod.Get, "/v1/admin/changes?state=pending", null, checker));
        await Expect(HttpStatusCode.Forbidden, backOffice.SendAsync(HttpMethod.Post, $"/v1/admin/changes/{changeId}/approve", null, maker));
        await Expect(HttpStatusCode.OK, backOffice.SendAsync(HttpMethod.Post, $"/v1/admin/changes/{changeId}/approve", null, checker));
        await Expect(HttpStatusCode.OK, backOffice.SendAsync(HttpMethod.Get, "/v1/admin/partners", null, maker));
        await Expect(HttpStatusCode.OK, backOffice.SendAsync(HttpMethod.Get, $"/v1/admin/partners/{code}", null, maker));

        var update = await Expect(HttpStatusCode.Accepted, backOffice.SendAsync(HttpMethod.Put, $"/v1/admin/partners/{code}",
            new JsonObject
            {
                ["name"] = $"Partner {code} Indonesia", ["allowList"] = new JsonArray("127.0.0.1"), ["productCodes"] = new JsonArray("95"),
            }.ToJsonString(), maker));
        await Expect(HttpStatusCode.OK, backOffice.SendAsync(HttpMethod.Post,
            $"/v1/admin/changes/{update["data"]!["changeId"]!.GetValue<string>()}/reject", null, checker));
        await Expect(HttpStatusCode.OK, backOffice.SendAsync(HttpMethod.Get, $"/v1/admin/partners/{code}/events", null, maker));

        var rotation = await Expect(HttpStatusCode.Accepted, backOffice.SendAsync(HttpMethod.Post, $"/v1/admin/partners/{code}/keys",
            """{"webhookSecret": true, "revokePrevious": false}""", maker));
        await Expect(HttpStatusCode.OK, backOffice.SendAsync(HttpMethod.Post,
            $"/v1/admin/changes/{rotation["data"]!["changeId"]!.GetValue<string>()}/approve", null, checker));
        await Expect(HttpStatusCode.OK, backOffice.SendAsync(HttpMethod.Post, $"/v1/admin/partners/{code}/disable", null, maker));
        var enabling = await Expect(HttpStatusCode.Accepted, backOffice.SendAsync(HttpMethod.Post, $"/v1/admin/partners/{code}/enable", null, maker));
        await Expect(HttpStatusCode.OK, backOffice.SendAsync(HttpMethod.Post,
            $"/v1/admin/changes/{enabling["data"]!["changeId"]!.GetValue<string>()}/approve", null, checker));

        var toApprove = await system.AppliedLoanAsync();
        await Expect(HttpStatusCode.OK, backOffice.SendAsync(HttpMethod.Post, $"/v1/admin/loan/{toApprove}/approve", "{}", maker));
        await Expect(HttpStatusCode.Conflict, backOffice.SendAsync(HttpMethod.Post, $"/v1/admin/loan/{toApprove}/approve", "{}", maker));
        var toReject = await system.AppliedLoanAsync();
        await Expect(HttpStatusCode.OK, backOffice.SendAsync(HttpMethod.Post, $"/v1/admin/loan/{toReject}/reject",
            """{"reason": "income could not be verified"}""", maker));

        await Expect(HttpStatusCode.OK, backOffice.SendAsync(HttpMethod.Get, "/v1/admin/audit", null, maker));
        await Expect(HttpStatusCode.OK, backOffice.SendAsync(HttpMethod.Get, $"/v1/admin/audit?partnerCode={code}", null, maker));
        await Expect(HttpStatusCode.OK, backOffice.SendAsync(HttpMethod.Get, "/v1/admin/callbacks/parked", null, maker));
        await Expect(HttpStatusCode.OK, backOffice.SendAsync(HttpMethod.Get, "/v1/admin/master-keys", null, maker));

        var borrower = (await system.RegisteredBorrowerAsync())["idNumber"]!.GetValue<string>();
        var subject = new JsonObject { ["idNumber"] = borrower }.ToJsonString();
        await Expect(HttpStatusCode.OK, backOffice.SendAsync(HttpMethod.Post, "/v1/admin/borrowers/access-request", subject, maker));
        await Expect(HttpStatusCode.OK, backOffice.SendAsync(HttpMethod.Post, "/v1/admin/borrowers/erasure", subject, maker));

        await Expect(HttpStatusCode.NotFound, backOffice.SendAsync(HttpMethod.Get, "/v1/admin/partners/NOSUCHPARTNER", null, maker));
        await Expect(HttpStatusCode.NotFound, backOffice.SendAsync(HttpMethod.Post, "/v1/admin/callbacks/999999999999/retry", null, maker));
        await Expect(HttpStatusCode.NotFound, backOffice.SendAsync(HttpMethod.Post,
            "/v1/admin/events/evt_00000000000000000000000000000000/redeliver", null, maker));
        await Expect(HttpStatusCode.NotFound, backOffice.SendAsync(HttpMethod.Post, "/v1/admin/borrowers/access-request",
            new JsonObject { ["idNumber"] = UnknownIdNumber }.ToJsonString(), maker));
        await Expect(HttpStatusCode.Forbidden, backOffice.SendAsync(HttpMethod.Get, "/v1/admin/master-keys", null,
            system.Bearer(new TestOperator("test-officer", "Lia Officer", "loan-officer"))));
        await Expect(HttpStatusCode.BadRequest, SendInvalidAsync(backOffice, HttpMethod.Post, "/v1/admin/loan/1/reject", """{"reason": 7}""", maker));

        prism.AssertNoViolations();
    }

    /// <summary>Polls past the proxy, so only the calls the test means to check go through it.</summary>
    private async Task WaitForLoanAsync(TestPartner partner, string loanCode, Func<JsonObject, bool> applied)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var (_, body) = await system.Api.GetAsPartnerAsync($"/v1/loan/{loanCode}", partner.ApiKey);
            if (body["data"] is JsonObject loan && applied(loan))
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"loan {loanCode} never reached the expected state: {body.ToJsonString()}");
            await Task.Delay(50);
        }
    }

    private static async Task<JsonObject> Expect(HttpStatusCode expected, Task<(HttpStatusCode Status, JsonObject Body)> call)
    {
        var (status, body) = await call;
        Assert.True(status == expected, $"expected {(int)expected}, got {(int)status}: {body.ToJsonString()}");
        return body;
    }

    /// <summary>A request that breaks the contract on purpose: only the refusal is held to the document.</summary>
    private static async Task<(HttpStatusCode Status, JsonObject Body)> SendInvalidAsync(
        HttpClient client, HttpMethod method, string path, string json, (string Name, string Value) header)
    {
        using var request = new HttpRequestMessage(method, path)
        {
            Content = new StringContent(json, Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
        };
        request.Headers.Add(header.Name, header.Value);
        request.Options.Set(ValidatingProxy.InvalidOnPurpose, true);
        using var response = await client.SendAsync(request);
        return (response.StatusCode, await ContractJson.ReadEnvelopeAsync(response));
    }
}
