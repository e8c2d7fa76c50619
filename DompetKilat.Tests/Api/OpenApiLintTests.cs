using System.Diagnostics;
using System.Text.Json.Nodes;
using DompetKilat.Tests.Infrastructure;

namespace DompetKilat.Tests.Api;

/// <summary>
/// The OpenAPI document must be one a partner can generate a client from: Redocly's recommended
/// rules find nothing in it. The linter is pinned in eng/openapi; test.sh installs it.
/// </summary>
[Collection(DompetKilatAppCollection.Name)]
public sealed class OpenApiLintTests(DompetKilatApp system)
{
    private static readonly string LinterDirectory =
        Path.GetFullPath(Path.Combine(Projects.DompetKilat_AppHost.ProjectPath, "..", "eng", "openapi"));

    [Theory]
    [InlineData("partners")]
    [InlineData("back-office")]
    public async Task Redoclys_recommended_rules_find_no_error_and_no_warning_in_the_openapi_document(string audience)
    {
        var linter = Path.Combine(LinterDirectory, "node_modules", ".bin", "redocly");
        Assert.True(File.Exists(linter), $"{linter} is missing: install it with eng/prepare.sh's ensure_openapi_lint (./test.sh does)");
        var document = Path.Combine(Path.GetTempPath(), $"openapi-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(document, audience == "partners"
            ? await system.Api.GetStringAsync("/openapi/v1.json")
            : await system.BackOffice.GetStringAsync("/openapi/back-office.json"));
        try
        {
            var (exitCode, output) = await RunAsync(linter, "lint", document, "--format=json");

            var report = JsonNode.Parse(output[output.IndexOf('{', StringComparison.Ordinal)..])!;
            var problems = report["problems"]!.AsArray().Select(p =>
                $"{p!["severity"]} {p["ruleId"]}: {p["message"]} at {p["location"]?[0]?["pointer"]}");
            Assert.True(report["totals"]!["errors"]!.GetValue<int>() == 0 && report["totals"]!["warnings"]!.GetValue<int>() == 0,
                string.Join(Environment.NewLine, problems));
            Assert.Equal(0, exitCode);
        }
        finally
        {
            File.Delete(document);
        }
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string fileName, params string[] arguments)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = LinterDirectory,
            Environment = { ["REDOCLY_TELEMETRY"] = "off", ["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true" },
        };
        arguments.ToList().ForEach(start.ArgumentList.Add);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        Assert.True((await output).Contains('{', StringComparison.Ordinal), $"the linter printed no report:{Environment.NewLine}{await error}");
        return (process.ExitCode, await output);
    }
}
