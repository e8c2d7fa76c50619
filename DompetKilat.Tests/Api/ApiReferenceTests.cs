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

    [Fact]
    public async Task The_interactive_reference_is_served_in_development()
    {
        var response = await system.Api.GetAsync("/scalar");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
    }
}
