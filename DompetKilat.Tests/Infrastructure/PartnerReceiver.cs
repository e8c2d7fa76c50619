using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using DompetKilat.Lending.Webhooks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace DompetKilat.Tests.Infrastructure;

/// <summary>One request the receiver got: the event's headers, whether its signature held, and its body.</summary>
public sealed record ReceivedEvent(string WebhookId, bool SignatureValid, string Type, long LoanId, JsonObject Body, DateTime ReceivedAt, int Answered)
{
    public int NumberOfPay => Body["data"]!["numberOfPay"]!.GetValue<int>();
}

/// <summary>
/// A partner's webhook endpoint on loopback, in the test process: records every request it gets
/// and answers as <see cref="Answer"/> says (a status code, after an optional delay), so tests
/// can play a partner that fails, hangs, redirects, or says 410.
/// </summary>
public sealed class PartnerReceiver : IAsyncDisposable
{
    private readonly WebApplication receiver;
    private readonly ConcurrentQueue<ReceivedEvent> received = new();
    private StandardWebhookSignature signature = new([]);

    private PartnerReceiver(WebApplication receiver) => this.receiver = receiver;

    public string Url => receiver.Urls.First() + "/dk/events";

    /// <summary>Decides the answer to each request from what arrived (and how often that id came before); 200 unless set.</summary>
    public Func<ReceivedEvent, int, Task<int>> Answer { get; set; } = (_, _) => Task.FromResult(200);

    public IReadOnlyList<ReceivedEvent> Received => [.. received];

    /// <summary>Where a 3xx answer sends the caller (its <c>Location</c>); none unless set.</summary>
    public string? RedirectTo { get; set; }

    /// <summary>While set, every connection is reset without an answer, as a partner's crashed server does.</summary>
    public bool Down { get; set; }

    /// <summary>Requests reset while <see cref="Down"/>.</summary>
    public int Resets => resets;

    private int resets;

    /// <summary>The secret to verify signatures with: the partner's, known once it is registered.</summary>
    public string Secret
    {
        set => signature = new StandardWebhookSignature([value]);
    }

    public static async Task<PartnerReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var partner = new PartnerReceiver(app);
        app.MapPost("/dk/events", partner.ReceiveAsync);
        await app.StartAsync();
        return partner;
    }

    public IReadOnlyList<ReceivedEvent> ForLoan(long loanId) => [.. received.Where(e => e.LoanId == loanId)];

    /// <summary>Waits until the loan's delivered (2xx) events number <paramref name="count"/>, or fails after <paramref name="within"/>.</summary>
    public async Task<IReadOnlyList<ReceivedEvent>> WaitForDeliveredAsync(long loanId, int count, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var delivered = ForLoan(loanId).Where(e => e.Answered is >= 200 and < 300).ToList();
            if (delivered.Count >= count)
            {
                return delivered;
            }

            Assert.True(DateTime.UtcNow < deadline,
                $"loan {loanId}: {delivered.Count} of {count} events delivered; received {string.Join(", ", ForLoan(loanId).Select(e => $"{e.Type}:{e.Answered}"))}");
            await Task.Delay(50);
        }
    }

    private async Task ReceiveAsync(HttpContext context)
    {
        if (Down)
        {
            Interlocked.Increment(ref resets);
            context.Abort();
            return;
        }

        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer);
        var bytes = buffer.ToArray();
        var headers = context.Request.Headers;
        var id = headers[StandardWebhookSignature.IdHeader].ToString();
        var valid = signature.Verify(id, headers[StandardWebhookSignature.TimestampHeader], headers[StandardWebhookSignature.SignatureHeader], bytes, DateTimeOffset.UtcNow);
        var body = JsonNode.Parse(Encoding.UTF8.GetString(bytes))!.AsObject();
        // A webhook.test event is about no loan or borrower, so its data has no id.
        var subjectId = body["data"]?["id"]?.GetValue<long>() ?? 0;
        var arrived = new ReceivedEvent(id, valid, body["type"]!.GetValue<string>(), subjectId, body, DateTime.UtcNow, 0);
        var before = received.Count(e => e.WebhookId == id);
        int status;
        try
        {
            status = await Answer(arrived, before);
        }
        catch (OperationCanceledException)
        {
            status = 0;
        }

        received.Enqueue(arrived with { Answered = status });
        context.Response.StatusCode = status == 0 ? 500 : status;
        if (status is >= 300 and < 400 && RedirectTo is { } location)
        {
            context.Response.Headers.Location = location;
        }
    }

    public async ValueTask DisposeAsync() => await receiver.DisposeAsync();
}
