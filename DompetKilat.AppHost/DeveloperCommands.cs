using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace DompetKilat.AppHost;

/// <summary>
/// What a developer reaches for while the system runs, one click away on the dashboard instead
/// of a curl command in the README: the Api's reference, and the back office's operations.
/// </summary>
public static class DeveloperCommands
{
    public const string RequeueParkedCallbacks = "requeue-parked-callbacks";
    public const string RedeliverFailedNotifications = "redeliver-failed-notifications";
    public const string MasterKeyRotation = "master-key-rotation";

    /// <summary>The Api's back-office listener, apart from the partners' <c>http</c>.</summary>
    public const string BackOfficeEndpoint = "backoffice";

    /// <summary>The role the dashboard's commands act in: requeueing and redelivering is operations' work.</summary>
    private const string CommandRole = "operations";

    /// <summary>The admin route lists at most this many parked callbacks at once.</summary>
    private const int ParkedPageSize = 1000;

    public static IResourceBuilder<ProjectResource> WithApiReferenceLinks(this IResourceBuilder<ProjectResource> api) => api
        .WithUrlForEndpoint("http", _ => new() { Url = "/scalar", DisplayText = "API reference" })
        .WithUrlForEndpoint("http", _ => new() { Url = "/openapi/v1.json", DisplayText = "OpenAPI document" })
        .WithUrlForEndpoint(BackOfficeEndpoint, url => url.DisplayText = "Back office")
        .WithUrlForEndpoint(BackOfficeEndpoint, _ => new() { Url = "/openapi/back-office.json", DisplayText = "Back-office OpenAPI document" });

    /// <summary>
    /// Requeues every callback the worker parked, through the Api's admin routes, so the
    /// dashboard does exactly what an operator's own request would, checks included.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithRequeueParkedCallbacksCommand(
        this IResourceBuilder<ProjectResource> api, IResourceBuilder<ParameterResource> signingKey)
    {
        var endpoint = api.GetEndpoint(BackOfficeEndpoint);
        return api.WithCommand(RequeueParkedCallbacks, "Requeue parked callbacks", async context =>
        {
            using var client = await BackOfficeClientAsync(context, endpoint, signingKey);

            var parked = await client.GetFromJsonAsync<JsonObject>($"/v1/admin/callbacks/parked?limit={ParkedPageSize}", context.CancellationToken);
            var ids = parked?["data"]?["callbacks"]?.AsArray().Select(c => c!["id"]!.GetValue<long>()).ToList() ?? [];
            if (ids.Count == 0)
            {
                return CommandResults.Success("No callback is parked.");
            }

            var refused = new List<string>();
            foreach (var id in ids)
            {
                using var response = await client.PostAsync($"/v1/admin/callbacks/{id}/retry", JsonContent.Create(new { }), context.CancellationToken);
                if (!response.IsSuccessStatusCode)
                {
                    var answer = await response.Content.ReadFromJsonAsync<JsonObject>(context.CancellationToken);
                    refused.Add($"{id}: {answer?["message"]}");
                }
            }

            var requeued = ids.Count - refused.Count;
            context.Logger.LogInformation("Requeued {Requeued} of {Parked} parked callbacks", requeued, ids.Count);
            var more = ids.Count == ParkedPageSize ? " More may be parked: run it again." : "";
            return refused.Count == 0
                ? CommandResults.Success($"Requeued {requeued} parked callbacks.{more}")
                : CommandResults.Failure($"Requeued {requeued} parked callbacks; {refused.Count} refused: {string.Join("; ", refused)}.{more}");
        }, new CommandOptions
        {
            Description = "Send every callback the worker gave up on back to its queue, as POST /v1/admin/callbacks/{id}/retry would.",
            IconName = "ArrowRepeatAll",
            UpdateState = EnabledWhileHealthy,
        });
    }

    /// <summary>
    /// Sends every partner notification that failed (410, or 24 hours of retries) once more with
    /// its own webhook-id, through the Api's admin routes, partner by partner.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithRedeliverFailedNotificationsCommand(
        this IResourceBuilder<ProjectResource> api, IResourceBuilder<ParameterResource> signingKey)
    {
        var endpoint = api.GetEndpoint(BackOfficeEndpoint);
        return api.WithCommand(RedeliverFailedNotifications, "Redeliver failed notifications", async context =>
        {
            using var client = await BackOfficeClientAsync(context, endpoint, signingKey);
            var partners = await client.GetFromJsonAsync<JsonObject>("/v1/admin/partners", context.CancellationToken);
            var failed = new List<string>();
            foreach (var code in partners?["data"]?["partners"]?.AsArray().Select(p => p!["partnerCode"]!.GetValue<string>()) ?? [])
            {
                var events = await client.GetFromJsonAsync<JsonObject>($"/v1/admin/partners/{code}/events?state=failed", context.CancellationToken);
                failed.AddRange(events?["data"]?["events"]?.AsArray().Select(e => e!["id"]!.GetValue<string>()) ?? []);
            }

            if (failed.Count == 0)
            {
                return CommandResults.Success("No notification has failed.");
            }

            var refused = new List<string>();
            foreach (var id in failed)
            {
                using var response = await client.PostAsync($"/v1/admin/events/{id}/redeliver", JsonContent.Create(new { }), context.CancellationToken);
                if (!response.IsSuccessStatusCode)
                {
                    refused.Add(id);
                }
            }

            context.Logger.LogInformation("Redelivering {Count} of {Failed} failed notifications", failed.Count - refused.Count, failed.Count);
            return refused.Count == 0
                ? CommandResults.Success($"Redelivering {failed.Count} failed notifications.")
                : CommandResults.Failure($"Redelivering {failed.Count - refused.Count} failed notifications; refused: {string.Join(", ", refused)}.");
        }, new CommandOptions
        {
            Description = "Send every failed partner notification again with its own webhook-id, as POST /v1/admin/events/{id}/redeliver would.",
            IconName = "Send",
            UpdateState = EnabledWhileHealthy,
        });
    }

    /// <summary>
    /// A master key rotation's progress, as the Api's admin route counts it: how many values (data
    /// keys, partners' webhook secrets) each master key seals, and how many the worker has yet to move
    /// under the active one.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithMasterKeyRotationCommand(
        this IResourceBuilder<ProjectResource> api, IResourceBuilder<ParameterResource> signingKey)
    {
        var endpoint = api.GetEndpoint(BackOfficeEndpoint);
        return api.WithCommand(MasterKeyRotation, "Master key rotation", async context =>
        {
            using var client = await BackOfficeClientAsync(context, endpoint, signingKey);
            var answer = await client.GetFromJsonAsync<JsonObject>("/v1/admin/master-keys", context.CancellationToken);
            var data = answer?["data"] ?? throw new InvalidOperationException("GET /v1/admin/master-keys answered without data.");
            var activeKey = data["activeKey"]!.GetValue<string>();
            var awaiting = data["awaitingRotation"]!.GetValue<long>();
            var byMasterKey = string.Join(", ", data["byMasterKey"]!.AsObject().Select(k => $"{k.Key}: {k.Value}"));
            return CommandResults.Success(awaiting == 0
                ? $"Everything is sealed under master key '{activeKey}' ({byMasterKey}). A master key sealing 0 can leave Encryption:Keys."
                : $"{awaiting} sealed values still to move under master key '{activeKey}' ({byMasterKey}).");
        }, new CommandOptions
        {
            Description = "How many data keys and partner secrets each master key seals, and how many await the move under the active key, as GET /v1/admin/master-keys answers.",
            IconName = "KeyMultiple",
            UpdateState = EnabledWhileHealthy,
        });
    }

    private static ResourceCommandState EnabledWhileHealthy(UpdateCommandStateContext context) =>
        context.ResourceSnapshot.HealthStatus == HealthStatus.Healthy ? ResourceCommandState.Enabled : ResourceCommandState.Disabled;

    private static async Task<HttpClient> BackOfficeClientAsync(
        ExecuteCommandContext context, EndpointReference endpoint, IResourceBuilder<ParameterResource> signingKey)
    {
        var client = context.Services.GetRequiredService<IHttpClientFactory>().CreateClient();
        client.BaseAddress = new Uri(endpoint.Url);
        // The dashboard acts as an operator of its own, in the operations role only, for the length of one command.
        var key = await signingKey.Resource.GetValueAsync(context.CancellationToken)
            ?? throw new InvalidOperationException($"The parameter {OperatorTokens.SigningKeyParameter} has no value.");
        client.DefaultRequestHeaders.Authorization = new("Bearer",
            OperatorTokens.Mint(key, "aspire-dashboard", "Aspire dashboard", [CommandRole], TimeSpan.FromMinutes(5)));
        return client;
    }
}
