namespace DompetKilat.Lending.Data;

/// <summary>
/// How long partners' events are kept (API-CONTRACT §11): the worker removes older ones, and the Api
/// tells a partner whose cursor fell behind that it did. Both read the same section, so set it on both.
/// </summary>
public sealed class PartnerEventOptions
{
    public const string Section = "PartnerEvents";

    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How often a worker looks for events past retention.</summary>
    public TimeSpan RetentionSweep { get; set; } = TimeSpan.FromHours(1);
}
