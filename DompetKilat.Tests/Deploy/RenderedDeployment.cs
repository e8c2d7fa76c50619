using System.Diagnostics;
using System.Text.Json.Nodes;

namespace DompetKilat.Tests.Deploy;

/// <summary>
/// deploy/render.sh run once for the deployment tests, offline: the AppHost's manifest in publish
/// mode, every Kubernetes overlay and the ingress controller's settings rendered and validated
/// against pinned schemas.
/// </summary>
public sealed class RenderedDeployment : IAsyncLifetime
{
    private static readonly TimeSpan RenderTimeout = TimeSpan.FromMinutes(5);

    private readonly string output = Path.Combine(Path.GetTempPath(), $"dompetkilat-render-{Guid.NewGuid():N}");

    public int ExitCode { get; private set; }

    public string Log { get; private set; } = "";

    /// <summary>The Aspire manifest: what the AppHost gives each service.</summary>
    public JsonObject Manifest { get; private set; } = null!;

    /// <summary>Each overlay's rendered objects, by overlay name.</summary>
    public Dictionary<string, List<JsonObject>> Overlays { get; } = [];

    /// <summary>The objects applied to the ingress controller's namespace (deploy/k8s/ingress-nginx).</summary>
    public List<JsonObject> IngressController { get; private set; } = [];

    public static string RepositoryRoot
    {
        get
        {
            var directory = new DirectoryInfo(AppContext.BaseDirectory);
            while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "deploy", "render.sh")))
            {
                directory = directory.Parent;
            }

            return directory?.FullName ?? throw new InvalidOperationException("deploy/render.sh not found above the test assembly");
        }
    }

    public async Task InitializeAsync()
    {
        // The suite runs on the Release build; rendering must not rebuild what the other tests run.
        var start = new ProcessStartInfo("bash", ["deploy/render.sh", "--no-build", "--output", output])
        {
            WorkingDirectory = RepositoryRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var render = Process.Start(start)!;
        var stdout = render.StandardOutput.ReadToEndAsync();
        var stderr = render.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(RenderTimeout);
        await render.WaitForExitAsync(timeout.Token);
        ExitCode = render.ExitCode;
        Log = await stdout + await stderr;
        if (ExitCode != 0)
        {
            return;
        }

        Manifest = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(output, "aspire-manifest.json")))!.AsObject();
        foreach (var overlay in Directory.GetDirectories(Path.Combine(RepositoryRoot, "deploy", "k8s", "overlays")))
        {
            var name = Path.GetFileName(overlay);
            Overlays[name] = await ReadRenderedAsync(name);
        }

        IngressController = await ReadRenderedAsync("ingress-nginx");
    }

    private async Task<List<JsonObject>> ReadRenderedAsync(string name) =>
        [.. JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(output, $"{name}.json")))!.AsArray().Select(o => o!.AsObject())];

    public Task DisposeAsync()
    {
        if (Directory.Exists(output))
        {
            Directory.Delete(output, recursive: true);
        }

        return Task.CompletedTask;
    }
}
