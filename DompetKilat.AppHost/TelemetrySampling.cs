using Microsoft.Extensions.Configuration;

namespace DompetKilat.AppHost;

internal static class TelemetrySampling
{
    /// <summary>
    /// Aspire records every trace for the dashboard, which is what a developer watching one request
    /// wants. <c>Telemetry:TraceSampleRatio</c> (0 to 1) records that share of traces instead, as a
    /// production collector would: at thousands of requests a second, exporting every span costs the
    /// services and the dashboard more CPU than the requests themselves. Sampling is parent-based,
    /// so a callback's apply span follows the decision made when its request was accepted.
    /// </summary>
    public static IResourceBuilder<T> WithTraceSampling<T>(this IResourceBuilder<T> resource, IConfiguration configuration)
        where T : IResourceWithEnvironment
    {
        if (configuration.GetValue<double?>("Telemetry:TraceSampleRatio") is not { } ratio)
        {
            return resource;
        }

        if (ratio is < 0 or > 1)
        {
            throw new InvalidOperationException($"Telemetry:TraceSampleRatio must be between 0 and 1, not {ratio}.");
        }

        return resource
            .WithEnvironment("OTEL_TRACES_SAMPLER", "parentbased_traceidratio")
            .WithEnvironment("OTEL_TRACES_SAMPLER_ARG", ratio.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}
