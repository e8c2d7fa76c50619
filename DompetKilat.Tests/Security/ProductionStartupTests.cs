using System.Diagnostics;
using DompetKilat.Tests.Infrastructure;

namespace DompetKilat.Tests.Security;

[Collection(DompetKilatAppCollection.Name)]
public sealed class ProductionStartupTests(DompetKilatApp system)
{
    [Fact]
    public async Task Outside_Development_the_Api_refuses_to_start_without_a_callback_signing_secret()
    {
        using var api = Process.Start(await ProductionApi.StartInfoAsync(system))!;
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
