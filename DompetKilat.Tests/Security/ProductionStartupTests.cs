using System.Diagnostics;
using DompetKilat.Tests.Infrastructure;

namespace DompetKilat.Tests.Security;

[Collection(DompetKilatAppCollection.Name)]
public sealed class ProductionStartupTests(DompetKilatApp system)
{
    [Fact]
    public async Task Outside_Development_the_Api_refuses_to_start_without_a_callback_signing_secret()
    {
        var projectDirectory = Path.GetDirectoryName(new Projects.DompetKilat_Api().ProjectPath)!;
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";
        var binaries = Path.Combine(projectDirectory, "bin", configuration, "net10.0");
        var start = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = binaries,
        };
        start.ArgumentList.Add(Path.Combine(binaries, "DompetKilat.Api.dll"));
        start.ArgumentList.Add($"--replica-of={system.DataDirectory}");
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        start.Environment["ConnectionStrings__dompetkilat"] = await system.App.GetConnectionStringAsync("dompetkilat");
        start.Environment["ConnectionStrings__redis"] = await system.App.GetConnectionStringAsync("redis");
        start.Environment["Admin__ApiKey"] = system.AdminApiKey;
        start.Environment["Encryption__Keys__primary"] = system.FieldEncryptionKey;
        start.Environment["Encryption__ActiveKey"] = "primary";
        using var api = Process.Start(start)!;
        var output = api.StandardOutput.ReadToEndAsync();
        var errors = api.StandardError.ReadToEndAsync();

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await api.WaitForExitAsync(timeout.Token);
        }
        finally
        {
            if (!api.HasExited)
            {
                api.Kill(entireProcessTree: true);
            }
        }

        Assert.NotEqual(0, api.ExitCode);
        Assert.Contains("Security:CallbackSigningSecrets", await output + await errors);
    }
}
