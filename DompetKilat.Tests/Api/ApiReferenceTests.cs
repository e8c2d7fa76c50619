using System.Text.Json.Nodes;
using DompetKilat.Tests.Infrastructure;

namespace DompetKilat.Tests.Api;

[Collection(DompetKilatAppCollection.Name)]
public sealed class ApiReferenceTests(DompetKilatApp system)
{
    [Fact]
    public async Task The_openapi_document_describes_the_partner_routes()
    {
        var document = JsonNode.Parse(await system.Api.GetStringAsync("/openapi/v1.json"))!;

        var paths = document["paths"]!.AsObject();
        Assert.True(paths.ContainsKey("/v1/borrower/register"));
        Assert.True(paths.ContainsKey("/v1/borrower/{idNumber}"));
        Assert.Equal("RegisterBorrower", paths["/v1/borrower/register"]!["post"]!["operationId"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("partners")]
    [InlineData("back-office")]
    public async Task Every_route_is_described_with_the_contracts_error_codes(string audience)
    {
        var partners = audience == "partners";
        var document = JsonNode.Parse(partners
            ? await system.Api.GetStringAsync("/openapi/v1.json")
            : await system.BackOffice.GetStringAsync("/openapi/back-office.json"))!;

        var paths = document["paths"]!.AsObject();
        string[] routes = partners
            ? ["/v1/borrower/register", "/v1/borrower/{idNumber}", "/v1/loan/register", "/v1/loan/{loanCode}", "/v1/loan/disburse", "/v1/callback/loan/repayment"]
            : ["/v1/admin/loan/{id}/approve", "/v1/admin/loan/{id}/reject", "/v1/admin/callbacks/parked", "/v1/admin/callbacks/{id}/retry",
               "/v1/admin/partners", "/v1/admin/changes/{changeId}/approve", "/v1/admin/audit"];
        Assert.All(routes, route => Assert.True(paths.ContainsKey(route), route));
        // Each audience sees its own routes only.
        Assert.All(paths, path => Assert.Equal(!partners, path.Key.StartsWith("/v1/admin", StringComparison.Ordinal)));
        var operations = paths.SelectMany(p => p.Value!.AsObject().Select(o => o.Value!.AsObject()));
        Assert.All(operations, operation => Assert.All(new[] { "400", "401", "403", "404", "409", "413", "429", "500", "503" },
            code => Assert.True(operation["responses"]!.AsObject().ContainsKey(code), $"{operation["operationId"]} lacks {code}")));
        // A four-eyes change answers 202 when made; everything else 200.
        Assert.All(operations, operation => Assert.True(operation["responses"]!.AsObject().Any(r => r.Key is "200" or "202"), $"{operation["operationId"]} has no success"));
        Assert.Contains("409", document["info"]!["description"]!.GetValue<string>());
        var scheme = partners ? "PartnerKey" : "OperatorToken";
        Assert.True(document["components"]!["securitySchemes"]!.AsObject().ContainsKey(scheme), $"no {scheme} scheme");
        if (!partners)
        {
            // Each route names the roles it admits, in an extension and as its requirement's scopes.
            Assert.All(operations, operation =>
            {
                var roles = operation["x-roles"]!.AsArray().Select(r => r!.GetValue<string>()).ToArray();
                Assert.NotEmpty(roles);
                Assert.Equal(roles, operation["security"]![0]![scheme]!.AsArray().Select(r => r!.GetValue<string>()));
            });
        }
    }

    [Fact]
    public async Task Requests_carry_the_partner_references_examples()
    {
        var document = JsonNode.Parse(await system.Api.GetStringAsync("/openapi/v1.json"))!;

        var example = document["paths"]!["/v1/loan/disburse"]!["post"]!["requestBody"]!["content"]!["application/json"]!["example"]!;

        Assert.Equal("LC1635132008", example["loanCode"]!.GetValue<string>());
        Assert.Equal(1000000, example["loanAmount"]!.GetValue<long>());
    }

    [Fact]
    public async Task The_interactive_reference_is_served_in_development()
    {
        var response = await system.Api.GetAsync("/scalar");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
    }
}
