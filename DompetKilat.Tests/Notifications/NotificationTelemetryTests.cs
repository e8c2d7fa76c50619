using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using DompetKilat.Lending.Notifications;
using DompetKilat.Tests.Infrastructure;

namespace DompetKilat.Tests.Notifications;

/// <summary>
/// What the dispatcher tells operators (README, partner notifications): a span per attempt in the
/// trace of the request or callback that made the change, and its counters and latency histogram,
/// read from what the worker actually exported.
/// </summary>
[Collection(DompetKilatAppCollection.Name)]
public sealed class NotificationTelemetryTests(DompetKilatApp system) : IAsyncLifetime
{
    private const string Worker = "callback-worker";
    private const string AttemptSpan = "deliver partner event";

    private PartnerReceiver receiver = null!;
    private TestPartner partner = null!;

    public async Task InitializeAsync()
    {
        receiver = await PartnerReceiver.StartAsync();
        partner = await system.NewPartnerListeningAtAsync(receiver);
    }

    public async Task DisposeAsync() => await receiver.DisposeAsync();

    [Fact]
    public async Task Each_attempt_is_a_span_in_the_trace_of_the_change_and_the_metrics_count_it()
    {
        receiver.Answer = (e, before) => Task.FromResult(e.Type switch
        {
            LoanEvents.Disbursed when before == 0 => 500,
            LoanEvents.Rejected => 410,
            _ => 200,
        });
        // Disbursements and rejections: other tests' dead partners may leave approvals retrying meanwhile.
        var delivered = Figure("dompetkilat.notifications.delivered", ("type", LoanEvents.Disbursed));
        var retried = Figure("dompetkilat.notifications.retried", ("type", LoanEvents.Disbursed));
        var failed = Figure("dompetkilat.notifications.failed", ("type", LoanEvents.Rejected), ("reason", "gone"));
        var latency = Figure("dompetkilat.notifications.change_to_delivered", ("type", LoanEvents.Disbursed));
        var (_, loanId) = await system.BorrowerWithAppliedLoanAsync(partner);
        var (_, rejectedLoan) = await system.BorrowerWithAppliedLoanAsync(partner);
        var approvalTrace = ActivityTraceId.CreateRandom();
        var callbackTrace = ActivityTraceId.CreateRandom();

        var approval = await SendTracedAsync(approvalTrace, Admin($"/v1/admin/loan/{loanId}/approve", "{}"));
        var callback = LoanJourney.Callback(approval["data"]!["loanCode"]!.GetValue<string>()).ToJsonString();
        using (var disburse = Json("/v1/loan/disburse", callback))
        {
            LoanJourney.SignCallback(disburse, callback, DompetKilatApp.CallbackSigningSecrets[0], DateTimeOffset.UtcNow);
            await SendTracedAsync(callbackTrace, disburse);
        }

        await SendTracedAsync(ActivityTraceId.CreateRandom(), Admin($"/v1/admin/loan/{rejectedLoan}/reject", """{"reason": "income could not be verified"}"""));

        var arrived = await receiver.WaitForDeliveredAsync(loanId, 2);
        var approved = arrived.Single(e => e.Type == LoanEvents.Approved).WebhookId;
        var disbursed = arrived.Single(e => e.Type == LoanEvents.Disbursed).WebhookId;
        var approvalSpans = await WaitForSpansAsync(approvalTrace, 1);
        var callbackSpans = await WaitForSpansAsync(callbackTrace, 2);

        Assert.Equal([(approved, 1L, 200L)], approvalSpans.Select(Attempt));
        Assert.Equal([(disbursed, 1L, 500L), (disbursed, 2L, 200L)], callbackSpans.Select(Attempt).Order());
        // The traces are the requests' own: the Api's spans for the approval and the callback are in them.
        var spans = system.Telemetry.Spans();
        Assert.Contains(spans, s => s.Service == "api" && s.TraceId == approvalTrace.ToHexString() && s.Name.Contains("/approve", StringComparison.Ordinal));
        Assert.Contains(spans, s => s.Service == "api" && s.TraceId == callbackTrace.ToHexString() && s.Name.Contains("/v1/loan/disburse", StringComparison.Ordinal));

        await delivered.WaitForAsync(count: 1);
        await retried.WaitForAsync(count: 1);
        await failed.WaitForAsync(count: 1);
        // Measured from the change, so it holds the retry's wait: at least the first backoff.
        await latency.WaitForAsync(count: 1, sum: DeliverySchedule.FirstRetry.TotalSeconds);
        Assert.Equal([410], receiver.ForLoan(rejectedLoan).Where(e => e.Type == LoanEvents.Rejected).Select(e => e.Answered));
    }

    private static (string, long, long) Attempt(ExportedSpan span) =>
        ((string)span.Attributes["dompetkilat.event.id"], (long)span.Attributes["dompetkilat.event.attempt"], (long)span.Attributes["http.response.status_code"]);

    private async Task<IReadOnlyList<ExportedSpan>> WaitForSpansAsync(ActivityTraceId trace, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var attempts = system.Telemetry.Spans().Where(s => s.TraceId == trace.ToHexString() && s.Name == AttemptSpan).ToList();
            if (attempts.Count >= count)
            {
                Assert.All(attempts, s => Assert.Equal(Worker, s.Service));
                return attempts;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{attempts.Count} of {count} '{AttemptSpan}' spans exported in trace {trace}");
            await Task.Delay(250);
        }
    }

    private MetricFigure Figure(string metric, params (string Key, string Value)[] attributes) => new(system.Telemetry, metric, attributes);

    private HttpRequestMessage Admin(string path, string json)
    {
        var request = Json(path, json);
        request.RequestUri = new Uri(system.BackOffice.BaseAddress!, path);
        request.Headers.Add(system.Bearer(Operators.Maker).Name, system.Bearer(Operators.Maker).Value);
        return request;
    }

    private static HttpRequestMessage Json(string path, string json) =>
        new(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, new MediaTypeHeaderValue("application/json")) };

    /// <summary>Sends the request as a caller already inside the given trace would (W3C traceparent, sampled).</summary>
    private async Task<JsonObject> SendTracedAsync(ActivityTraceId trace, HttpRequestMessage request)
    {
        using (request)
        {
            request.Headers.Add("traceparent", $"00-{trace.ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
            using var response = await system.Api.SendAsync(request);
            var body = await ContractJson.ReadEnvelopeAsync(response);
            Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToJsonString());
            return body;
        }
    }

    /// <summary>
    /// One series of a worker metric, from where it stood when the test began. The worker exports
    /// running totals since it started; a restart starts the series again, from zero.
    /// </summary>
    private sealed class MetricFigure
    {
        private readonly TelemetryCapture telemetry;
        private readonly string metric;
        private readonly (string Key, string Value)[] attributes;
        private readonly ExportedPoint? start;

        public MetricFigure(TelemetryCapture telemetry, string metric, (string Key, string Value)[] attributes)
        {
            this.telemetry = telemetry;
            this.metric = metric;
            this.attributes = attributes;
            start = Newest();
        }

        /// <summary>Waits until the series has grown by at least this count (and, for a histogram, this sum) since the start.</summary>
        public async Task WaitForAsync(double count, double sum = 0)
        {
            var deadline = DateTime.UtcNow.AddSeconds(15);
            while (true)
            {
                var now = Newest();
                var (grownCount, grownSum) = now is null ? (0d, 0d)
                    : start is null || start.StartTime != now.StartTime ? (now.Value, now.Sum)
                    : (now.Value - start.Value, now.Sum - start.Sum);
                if (grownCount >= count && grownSum >= sum)
                {
                    return;
                }

                Assert.True(DateTime.UtcNow < deadline,
                    $"{metric} {string.Join(", ", attributes.Select(a => $"{a.Key}={a.Value}"))} grew by {grownCount} (sum {grownSum}); expected {count} (sum {sum})");
                await Task.Delay(250);
            }
        }

        private ExportedPoint? Newest() => telemetry.Points(metric)
            .Where(p => p.Service == Worker && attributes.All(a => Equals(p.Attributes.GetValueOrDefault(a.Key), a.Value)))
            .MaxBy(p => p.Time);
    }
}
