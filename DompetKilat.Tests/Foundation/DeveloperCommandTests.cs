using System.Text.Json.Nodes;
using DompetKilat.AppHost;
using DompetKilat.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace DompetKilat.Tests.Foundation;

/// <summary>The dashboard's commands and links, invoked through the AppHost as the dashboard invokes them.</summary>
[Collection(DompetKilatAppCollection.Name)]
public sealed class DeveloperCommandTests(DompetKilatApp system)
{
    [Fact]
    public async Task Requeue_parked_callbacks_sends_them_back_to_the_worker_which_then_applies_them()
    {
        var (loanCode, parked) = await system.ParkedCallbackAsync();
        await system.RepairParkedCallbackAsync(parked);
        Assert.Equal(ResourceCommandState.Enabled, CommandState(ApiReplica, DeveloperCommands.RequeueParkedCallbacks));

        var result = await ExecuteAsync(ApiReplica, DeveloperCommands.RequeueParkedCallbacks);

        Assert.True(result.Success, result.Message);
        Assert.Matches(@"^Requeued [1-9]\d* parked callbacks\.", result.Message);
        await system.WaitForLoanAsync(loanCode, l => l["status"]!.GetValue<string>() == "ACTIVE");
        Assert.Null(await system.FindParkedAsync(parked["transactionId"]!.GetValue<string>()));
    }

    [Theory]
    [InlineData("API reference", "text/html")]
    [InlineData("OpenAPI document", "application/json")]
    public async Task The_api_links_to_its_reference(string link, string mediaType)
    {
        Assert.True(system.App.ResourceNotifications.TryGetCurrentState(ApiReplica, out var api));
        var url = api.Snapshot.Urls.Single(u => u.DisplayProperties.DisplayName == link).Url;

        using var client = new HttpClient();
        using var response = await client.GetAsync(url);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        if (mediaType == "application/json")
        {
            Assert.NotNull(JsonNode.Parse(await response.Content.ReadAsStringAsync())!["openapi"]);
        }
    }

    /// <summary>The dashboard shows commands and links on each replica; any one serves.</summary>
    private string ApiReplica => system.Instances["api"][0];

    private ResourceCommandState CommandState(string resource, string command)
    {
        Assert.True(system.App.ResourceNotifications.TryGetCurrentState(resource, out var state));
        return state.Snapshot.Commands.Single(c => c.Name == command).State;
    }

    private async Task<ExecuteCommandResult> ExecuteAsync(string resource, string command)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        return await system.App.Services.GetRequiredService<ResourceCommandService>()
            .ExecuteCommandAsync(resource, command, timeout.Token);
    }
}
