using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace DompetKilat.Tests.Infrastructure;

/// <summary>One thing Prism found a request or an answer to disagree with the document about.</summary>
public sealed record ContractViolation(string Method, string Path, int Status, string Where, string Severity, string Message)
{
    public bool InRequest => Where.StartsWith("request", StringComparison.Ordinal);

    public override string ToString() => $"{Method} {Path} -> {Status}: [{Severity}] {Where}: {Message}";
}

/// <summary>
/// Stoplight Prism (pinned in eng/prism) as a validating proxy in front of a running listener:
/// each request and answer that passes through is checked against an OpenAPI document and
/// forwarded unchanged, and what Prism found is read from the sl-violations header it adds.
/// Without --errors a violation never changes the answer, so the caller still sees the Api's own.
/// </summary>
public sealed class ValidatingProxy : IAsyncDisposable
{
    private static readonly string PrismDirectory =
        Path.GetFullPath(Path.Combine(Projects.DompetKilat_AppHost.ProjectPath, "..", "eng", "prism"));

    /// <summary>Set on a request that breaks the contract on purpose, so only its answer is held to the document.</summary>
    public static readonly HttpRequestOptionsKey<bool> InvalidOnPurpose = new("InvalidOnPurpose");

    private readonly Process process;
    private readonly string document;
    private readonly StringBuilder log = new();
    private readonly ConcurrentQueue<ContractViolation> violations = new();
    private readonly ConcurrentQueue<string> checkedCalls = new();

    private ValidatingProxy(Process process, string document, int port)
    {
        this.process = process;
        this.document = document;
        Client = new HttpClient(new Recorder(this) { InnerHandler = new HttpClientHandler() })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{port}"),
        };
    }

    /// <summary>Calls through the proxy.</summary>
    public HttpClient Client { get; }

    public IReadOnlyList<ContractViolation> Violations => [.. violations];

    public IReadOnlyList<string> CheckedCalls => [.. checkedCalls];

    public string Log
    {
        get
        {
            lock (log)
            {
                return log.ToString();
            }
        }
    }

    /// <summary>Starts Prism with <paramref name="openApiJson"/> in front of <paramref name="upstream"/>, and waits until it listens.</summary>
    public static async Task<ValidatingProxy> StartAsync(string openApiJson, Uri upstream)
    {
        var prism = Path.Combine(PrismDirectory, "node_modules", ".bin", "prism");
        Assert.True(File.Exists(prism), $"{prism} is missing: install it with eng/prepare.sh's ensure_prism (./test.sh does)");
        var document = Path.Combine(Path.GetTempPath(), $"openapi-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(document, openApiJson);
        var port = FreePort();
        var start = new ProcessStartInfo(prism)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = PrismDirectory,
        };
        foreach (var argument in new[]
                 {
                     "proxy", document, upstream.GetLeftPart(UriPartial.Authority), "--errors=false", "--host=127.0.0.1", $"--port={port}",
                     "--cors=false",
                 })
        {
            start.ArgumentList.Add(argument);
        }

        var proxy = new ValidatingProxy(Process.Start(start)!, document, port);
        proxy.process.OutputDataReceived += (_, e) => proxy.Append(e.Data);
        proxy.process.ErrorDataReceived += (_, e) => proxy.Append(e.Data);
        proxy.process.BeginOutputReadLine();
        proxy.process.BeginErrorReadLine();
        try
        {
            await proxy.WaitUntilListeningAsync(port);
        }
        catch
        {
            await proxy.DisposeAsync();
            throw;
        }

        return proxy;
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (log)
            {
                log.AppendLine(line);
            }
        }
    }

    private async Task WaitUntilListeningAsync(int port)
    {
        // Prism reads and dereferences the document before it binds, which takes seconds on a busy machine.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            Assert.False(process.HasExited, $"Prism exited before it listened:{Environment.NewLine}{Log}");
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync("127.0.0.1", port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
            }
        }
    }

    private static int FreePort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>Fails with every violation found, each with its call, where in it, and Prism's words.</summary>
    public void AssertNoViolations()
    {
        var found = Violations;
        Assert.True(found.Count == 0,
            $"Prism found {found.Count} violation(s) of the document in {CheckedCalls.Count} call(s):{Environment.NewLine}" +
            string.Join(Environment.NewLine, found));
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        try
        {
            // Node's children would otherwise outlive the run, and test.sh fails a run that leaves any.
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        process.Dispose();
        File.Delete(document);
    }

    private sealed class Recorder(ValidatingProxy proxy) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            var method = request.Method.Method;
            var path = request.RequestUri!.PathAndQuery;
            var status = (int)response.StatusCode;
            proxy.checkedCalls.Enqueue($"{method} {path} -> {status}");
            request.Options.TryGetValue(InvalidOnPurpose, out var invalidOnPurpose);
            if (response.Headers.TryGetValues("sl-violations", out var headers))
            {
                foreach (var header in headers)
                {
                    foreach (var violation in JsonNode.Parse(header)!.AsArray())
                    {
                        var where = string.Join('.', violation!["location"]?.AsArray().Select(l => l?.ToString()) ?? []);
                        var found = new ContractViolation(method, path, status, where, violation["severity"]?.ToString() ?? "?",
                            violation["message"]?.ToString() ?? violation.ToJsonString());
                        if (!(invalidOnPurpose && found.InRequest))
                        {
                            proxy.violations.Enqueue(found);
                        }
                    }
                }
            }

            return response;
        }
    }
}
