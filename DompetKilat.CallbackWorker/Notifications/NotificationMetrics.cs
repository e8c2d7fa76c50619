using System.Diagnostics.Metrics;
using DompetKilat.Lending.Callbacks;

namespace DompetKilat.CallbackWorker.Notifications;

/// <summary>The dispatcher's figures, under the services' one meter so the dashboard shows them beside the callbacks'.</summary>
internal sealed class NotificationMetrics
{
    private readonly Counter<long> delivered;
    private readonly Counter<long> retried;
    private readonly Counter<long> failed;
    private readonly Histogram<double> changeToDelivered;

    public NotificationMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(CallbackMetrics.MeterName);
        delivered = meter.CreateCounter<long>("dompetkilat.notifications.delivered", "{event}", "Events a partner answered 2xx");
        retried = meter.CreateCounter<long>("dompetkilat.notifications.retried", "{attempt}", "Attempts that failed and were scheduled again");
        failed = meter.CreateCounter<long>("dompetkilat.notifications.failed", "{event}", "Events given up on: 410 Gone, or retried for the whole window");
        changeToDelivered = meter.CreateHistogram("dompetkilat.notifications.change_to_delivered", "s",
            "From the loan change to the partner's 2xx",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 3600] });
    }

    public void Delivered(string type, TimeSpan sinceChange)
    {
        delivered.Add(1, Type(type));
        changeToDelivered.Record(sinceChange.TotalSeconds, Type(type));
    }

    public void Retried(string type) => retried.Add(1, Type(type));

    public void Failed(string type, string reason) => failed.Add(1, Type(type), new KeyValuePair<string, object?>("reason", reason));

    private static KeyValuePair<string, object?> Type(string type) => new("type", type);
}
