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
/// </summary>
public sealed class TelemetryCapture : IAsyncDisposable
{
    private readonly WebApplication receiver;
    private readonly ConcurrentQueue<byte[]> payloads = new();

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
        receiver.MapPost("/v1/{signal}", async (HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            capture.payloads.Enqueue(body.ToArray());
            return Results.Bytes([], "application/x-protobuf");
        });
        await receiver.StartAsync();
        return capture;
    }

    public bool Contains(string text) => Contains(Encoding.UTF8.GetBytes(text));

    /// <summary>Whether one export holds all of these byte sequences (a span name and its raw trace id, say).</summary>
    public bool Contains(params byte[][] needles) =>
        payloads.Any(payload => needles.All(needle => payload.AsSpan().IndexOf(needle) >= 0));

    public async ValueTask DisposeAsync() => await receiver.DisposeAsync();
}
