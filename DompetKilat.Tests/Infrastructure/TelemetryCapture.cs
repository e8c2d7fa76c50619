using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace DompetKilat.Tests.Infrastructure;

/// <summary>
/// An OTLP/HTTP receiver the services export their logs, traces and metrics to under test, kept
/// as raw protobuf: personal data would appear in it as plain UTF-8, which is all a leak test needs.
/// Tests that need the structure read spans, log records and metric points out of it
/// (<see cref="Spans"/>, <see cref="Logs"/>, <see cref="Points"/>).
/// </summary>
public sealed class TelemetryCapture : IAsyncDisposable
{
    private readonly WebApplication receiver;
    private readonly ConcurrentQueue<(string Signal, byte[] Payload)> payloads = new();

    private TelemetryCapture(WebApplication receiver) => this.receiver = receiver;

    public string Endpoint => receiver.Urls.First();

    public int PayloadCount => payloads.Count;

    public static async Task<TelemetryCapture> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var receiver = builder.Build();
        var capture = new TelemetryCapture(receiver);
        receiver.MapPost("/v1/{signal}", async (string signal, HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            capture.payloads.Enqueue((signal, body.ToArray()));
            return Results.Bytes([], "application/x-protobuf");
        });
        await receiver.StartAsync();
        return capture;
    }

    public bool Contains(string text) => Contains(Encoding.UTF8.GetBytes(text));

    /// <summary>Whether one export holds all of these byte sequences (a span name and its raw trace id, say).</summary>
    public bool Contains(params byte[][] needles) =>
        payloads.Any(p => needles.All(needle => p.Payload.AsSpan().IndexOf(needle) >= 0));

    /// <summary>Every span exported so far.</summary>
    public IReadOnlyList<ExportedSpan> Spans() =>
        [.. payloads.Where(p => p.Signal == "traces").SelectMany(p => Otlp.ReadSpans(p.Payload))];

    /// <summary>Every log record exported so far.</summary>
    public IReadOnlyList<ExportedLog> Logs() =>
        [.. payloads.Where(p => p.Signal == "logs").SelectMany(p => Otlp.ReadLogs(p.Payload))];

    /// <summary>Every exported data point of the named metric (a counter's running total, or a histogram's count and sum).</summary>
    public IReadOnlyList<ExportedPoint> Points(string metric) =>
        [.. payloads.Where(p => p.Signal == "metrics").SelectMany(p => Otlp.ReadPoints(p.Payload, metric))];

    public async ValueTask DisposeAsync() => await receiver.DisposeAsync();
}
