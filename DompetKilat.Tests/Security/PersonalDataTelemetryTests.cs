using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using DompetKilat.Tests.Drill;
using DompetKilat.Tests.Infrastructure;

namespace DompetKilat.Tests.Security;

/// <summary>
/// Faults are when services log inside a request, and every log record carries the request's
/// logging scopes: a profile read's path holds the NIK. What the services export while PostgreSQL
/// is down, logs, spans and metrics alike, must name routes, never the person.
/// Its system is the drill's, which restarts PostgreSQL anyway: in the shared system, the restart left
/// every pooled connection of the services and the tests broken for whichever test came next.
/// </summary>
[Collection(DrillCollection.Name)]
public sealed class PersonalDataTelemetryTests(ReplicatedApp system)
{
    private const string ProfileRoute = "/v1/borrower/{idNumber}";
    private const string LoanRoute = "/v1/loan/register";

    [Fact]
    public async Task Faults_logged_during_a_profile_read_and_a_loan_application_export_the_route_and_no_personal_data()
    {
        var registration = await system.RegisteredBorrowerAsync();
        var nik = registration["idNumber"]!.GetValue<string>();
        var profileRead = ActivityTraceId.CreateRandom();
        var loanApplication = ActivityTraceId.CreateRandom();

        try
        {
            // At once, as the server goes down: a replica that cannot reach the database stops admitting
            // partner calls within seconds, and a call refused at the edge logs nothing inside the request.
            await system.StopPostgresAsync(() => Task.WhenAll(
                SendUnavailableAsync(profileRead, new HttpRequestMessage(HttpMethod.Get, $"/v1/borrower/{nik}")),
                SendUnavailableAsync(loanApplication, new HttpRequestMessage(HttpMethod.Post, LoanRoute)
                {
                    Content = new StringContent(TestPeople.LoanApplication(registration).ToJsonString(), Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
                })));
        }
        finally
        {
            await system.StartAsync("postgres");
        }

        // Each request's fault log, span and duration measurement reached the receiver, so the search below covers them.
        var profileReadLogs = await WaitForAsync(() => InTrace(system.Telemetry.Logs(), profileRead, l => l.TraceId), "the profile read's fault log");
        var loanApplicationLogs = await WaitForAsync(() => InTrace(system.Telemetry.Logs(), loanApplication, l => l.TraceId), "the loan application's fault log");
        await WaitForAsync(() => InTrace(system.Telemetry.Spans(), profileRead, s => s.TraceId), "the profile read's span");
        await WaitForAsync(() => InTrace(system.Telemetry.Spans(), loanApplication, s => s.TraceId), "the loan application's span");
        await WaitForAsync(() => UnavailableMeasurements(ProfileRoute), "the profile read's duration measurement");
        await WaitForAsync(() => UnavailableMeasurements(LoanRoute), "the loan application's duration measurement");

        foreach (var field in new[] { "idNumber", "phoneNumber", "email" })
        {
            var value = registration[field]!.GetValue<string>();
            Assert.False(system.Telemetry.Contains(value), $"the borrower's {field} was exported in telemetry");
        }

        Assert.Contains(profileReadLogs, l => Equals(l.Attributes.GetValueOrDefault("http.route"), ProfileRoute));
        Assert.Contains(loanApplicationLogs, l => Equals(l.Attributes.GetValueOrDefault("http.route"), LoanRoute));
        Assert.All(profileReadLogs.Concat(loanApplicationLogs), l => Assert.False(string.IsNullOrEmpty(l.Attributes.GetValueOrDefault("RequestId") as string), l.Body));
    }

    /// <summary>Sends the request as a caller inside the given trace (W3C traceparent, sampled); the Api answers 99 while PostgreSQL is down.</summary>
    private async Task SendUnavailableAsync(ActivityTraceId trace, HttpRequestMessage request)
    {
        using (request)
        {
            request.Headers.Add("traceparent", $"00-{trace.ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
            using var response = await system.Api.SendAsync(request);
            var body = await ContractJson.ReadEnvelopeAsync(response);
            Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable && body.Status() == "99", body.ToJsonString());
        }
    }

    private static List<T> InTrace<T>(IEnumerable<T> exported, ActivityTraceId trace, Func<T, string> traceOf) =>
        [.. exported.Where(e => traceOf(e) == trace.ToHexString())];

    private List<ExportedPoint> UnavailableMeasurements(string route) =>
    [
        .. system.Telemetry.Points("http.server.request.duration").Where(p =>
            p.Service == "api" && Equals(p.Attributes.GetValueOrDefault("http.route"), route)
            && Equals(p.Attributes.GetValueOrDefault("http.response.status_code"), 503L)),
    ];

    private static async Task<List<T>> WaitForAsync<T>(Func<List<T>> read, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var found = read();
            if (found.Count > 0)
            {
                return found;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{what} never reached the telemetry receiver");
            await Task.Delay(250);
        }
    }
}
