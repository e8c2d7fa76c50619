using System.Globalization;

namespace DompetKilat.Bench;

/// <summary>
/// One wrk run's figures, from the line common.lua prints when the run ends. Times are in µs.
/// </summary>
public sealed record WrkResult(long Requests, long DurationUs, long P50Us, long P99Us, long Errors)
{
    public long Rps => Requests * 1_000_000 / DurationUs;
    public string P50Ms => Bc.Divide(P50Us, 1000, 1);
    public string P99Ms => Bc.Divide(P99Us, 1000, 1);
}

/// <summary>What to run: a script of eng/bench, for how long, against whom, with which arguments.</summary>
public sealed record WrkRun(string Script, int Seconds, string Target, IReadOnlyList<string> Arguments)
{
    /// <summary>The benchmark partner's key; empty calls the route without one (the peer's).</summary>
    public string PartnerKey { get; init; } = "";
    public int? Connections { get; init; }
    /// <summary>
    /// wrk looks for delay() and response() when it loads the script, before init() sees the
    /// arguments, so callback.lua learns through the environment whether to pace or to stop at its limit.
    /// </summary>
    public bool Paced { get; init; }
    public bool Limited { get; init; }
}

/// <summary>Runs wrk with a lua workload of eng/bench (common.lua prepended, since wrk loads one file).</summary>
public sealed class Wrk(BenchSettings settings)
{
    // callback.lua signs with the raw key; Standard Webhooks' whsec_ form is its base64.
    private readonly string callbackKey = Convert.ToHexString(Convert.FromBase64String(
        settings.CallbackSecret.StartsWith("whsec_", StringComparison.Ordinal) ? settings.CallbackSecret[6..] : settings.CallbackSecret));

    public async Task<WrkResult> RunAsync(WrkRun run, CancellationToken cancellation)
    {
        var script = Path.Combine(settings.RunDirectory, run.Script);
        await File.WriteAllTextAsync(script,
            await File.ReadAllTextAsync(Path.Combine(settings.BenchDirectory, "common.lua"), cancellation)
            + await File.ReadAllTextAsync(Path.Combine(settings.BenchDirectory, run.Script), cancellation), cancellation);
        string[] arguments =
        [
            "-t", $"{settings.Threads}", "-c", $"{run.Connections ?? settings.Connections}", "-d", $"{run.Seconds}s",
            "--timeout", "30s", "-s", script, run.Target, "--", .. run.Arguments,
        ];
        var environment = new Dictionary<string, string>
        {
            ["BENCH_PARTNER_KEY"] = run.PartnerKey,
            ["BENCH_PACED"] = run.Paced ? "1" : "",
            ["BENCH_LIMITED"] = run.Limited ? "1" : "",
            ["BENCH_CALLBACK_KEY"] = callbackKey,
        };
        var output = await ExternalTool.RunAsync("wrk", arguments, cancellation, environment: environment);
        var line = output.StandardOutput.Split('\n').FirstOrDefault(l => l.StartsWith("BENCH ", StringComparison.Ordinal));
        if (line is null)
        {
            await Console.Error.WriteLineAsync(output.StandardOutput + output.StandardError);
            throw new BenchException($"wrk gave no result for {run.Script}");
        }
        // BENCH requests= duration_us= p50_us= p99_us= status_errors= socket_errors=
        var values = line[6..].Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('='))
            .ToDictionary(pair => pair[0], pair => long.Parse(pair[1], CultureInfo.InvariantCulture));
        return new WrkResult(values["requests"], values["duration_us"], values["p50_us"], values["p99_us"],
            values["status_errors"] + values["socket_errors"]);
    }
}
