using System.Diagnostics;

namespace DompetKilat.Bench;

/// <summary>What a tool printed and how it exited.</summary>
public sealed record ToolOutput(int ExitCode, string StandardOutput, string StandardError);

/// <summary>
/// Runs the command-line tools the bench drives (wrk, pgbench, redis-benchmark, git, getconf) to
/// the end and hands back what they printed.
/// </summary>
public static class ExternalTool
{
    public static async Task<ToolOutput> RunAsync(
        string file, IEnumerable<string> arguments, CancellationToken cancellation,
        string? workingDirectory = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory ?? "",
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }
        using var process = Process.Start(start) ?? throw new BenchException($"could not start {file}");
        var output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var errors = process.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            await process.WaitForExitAsync(cancellation);
        }
        catch (OperationCanceledException)
        {
            // A stopped bench must not leave a load generator running.
            process.Kill(entireProcessTree: true);
            throw;
        }
        return new ToolOutput(process.ExitCode, await output, await errors);
    }
}

/// <summary>A reason the bench cannot go on; Program prints it and exits with 1.</summary>
public sealed class BenchException(string message) : Exception(message);
