using System.Diagnostics.Metrics;

namespace DompetKilat.Lending.Callbacks;

/// <summary>
/// The callback pipeline's figures, shared by the Api (accepting) and the worker (applying) so
/// the dashboard shows one set of instruments under one meter.
/// </summary>
public sealed class CallbackMetrics
{
    public const string MeterName = "DompetKilat";

    private readonly Counter<long> accepted;
    private readonly Counter<long> duplicates;
    private readonly Counter<long> applied;
    private readonly Counter<long> stale;
    private readonly Counter<long> parked;
    private readonly Histogram<double> acceptToApplied;

    public CallbackMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        accepted = meter.CreateCounter<long>("dompetkilat.callbacks.accepted", "{callback}", "Callbacks newly stored in the inbox");
        duplicates = meter.CreateCounter<long>("dompetkilat.callbacks.duplicates", "{callback}", "Replays answered from an earlier acceptance");
        applied = meter.CreateCounter<long>("dompetkilat.callbacks.applied", "{callback}", "Callbacks applied to their loan");
        stale = meter.CreateCounter<long>("dompetkilat.callbacks.stale", "{callback}", "Callbacks recorded without changing their loan");
        parked = meter.CreateCounter<long>("dompetkilat.callbacks.parked", "{callback}", "Callbacks that failed every retry");
        acceptToApplied = meter.CreateHistogram("dompetkilat.callbacks.accept_to_applied", "s",
            "From the 00 to the worker's commit",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] });
    }

    public void Accepted(CallbackKind kind) => accepted.Add(1, Kind(kind));

    public void Duplicate(CallbackKind kind, bool samePayload) =>
        duplicates.Add(1, Kind(kind), new KeyValuePair<string, object?>("same_payload", samePayload));

    public void Processed(CallbackKind kind, CallbackState outcome, TimeSpan sinceAccepted)
    {
        var counter = outcome switch
        {
            CallbackState.Applied => applied,
            CallbackState.Stale => stale,
            _ => parked,
        };
        counter.Add(1, Kind(kind));
        acceptToApplied.Record(sinceAccepted.TotalSeconds, Kind(kind), new KeyValuePair<string, object?>("outcome", outcome.ToString()));
    }

    private static KeyValuePair<string, object?> Kind(CallbackKind kind) => new("kind", kind.ToString());
}
