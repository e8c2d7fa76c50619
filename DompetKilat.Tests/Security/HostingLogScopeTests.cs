using DompetKilat.ServiceDefaults;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DompetKilat.Tests.Security;

/// <summary>
/// ASP.NET Core's hosting diagnostics put every request's raw path in a logging scope whenever any
/// provider has their category on; the service defaults keep it off, whatever an operator's
/// appsettings say, in every environment.
/// </summary>
public sealed class HostingLogScopeTests
{
    [Theory]
    [InlineData("Development")]
    [InlineData("Production")]
    public void Logging_configuration_cannot_turn_the_path_bearing_scope_back_on(string environment)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = environment });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Trace",
            ["Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics"] = "Trace",
            ["Logging:Console:LogLevel:Default"] = "Trace",
            ["Logging:OpenTelemetry:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics"] = "Information",
        });
        builder.AddServiceDefaults();
        using var app = builder.Build();

        var hosting = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Microsoft.AspNetCore.Hosting.Diagnostics");

        // The hosting diagnostics open their scope when this holds (HostingApplicationDiagnostics.BeginRequest).
        Assert.False(hosting.IsEnabled(LogLevel.Critical));
        Assert.True(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("DompetKilat").IsEnabled(LogLevel.Trace));
    }
}
