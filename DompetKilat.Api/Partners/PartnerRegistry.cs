using DompetKilat.Lending.Partners;

namespace DompetKilat.Api.Partners;

/// <summary>
/// This replica's copy of the partner registry and the active products. Callers are identified
/// and their products resolved against it on every request without a database round trip. It is
/// served only while this replica can vouch that it is current (API-CONTRACT §8: a change is in
/// force on every replica when its admin call answers): the copy was confirmed against the
/// database's registry version within <see cref="StaleAfter"/>, and no newer version is known that
/// failed to load. Otherwise partner calls are refused with <c>99</c> and the replica is not ready.
/// </summary>
public sealed class PartnerRegistry(TimeProvider clock)
{
    /// <summary>How often each replica confirms its copy against the database, notification or not.</summary>
    public static readonly TimeSpan ConfirmEvery = TimeSpan.FromSeconds(1);

    /// <summary>A copy not confirmed for this long is no longer served: three confirmations missed in a row.</summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromSeconds(3);

    private volatile PartnerDirectory? loaded;
    private volatile string? behindBecause;
    private long confirmedAt;

    /// <summary>The registry to identify callers with, or null while this replica cannot vouch for its copy.</summary>
    public PartnerDirectory? Current =>
        loaded is { } directory && behindBecause is null && clock.GetElapsedTime(Interlocked.Read(ref confirmedAt)) < StaleAfter
            ? directory
            : null;

    /// <summary>The version this replica enforces; 0 before its first load.</summary>
    public long EnforcedVersion => loaded?.Version ?? 0;

    /// <summary>Why <see cref="Current"/> is null, for the health check and the log; null when it is not.</summary>
    public string? WhyNotCurrent() =>
        loaded is null ? "the partner registry is not loaded yet"
        : behindBecause is { } reason ? reason
        : clock.GetElapsedTime(Interlocked.Read(ref confirmedAt)) >= StaleAfter
            ? $"the partner registry was last confirmed current {clock.GetElapsedTime(Interlocked.Read(ref confirmedAt)).TotalSeconds:0.0} s ago"
        : null;

    /// <summary>Serves <paramref name="directory"/> from now on; it becomes current once a confirmation says so.</summary>
    internal void Load(PartnerDirectory directory) => loaded = directory;

    /// <summary>
    /// The database's version matched the loaded one in a confirmation that began at
    /// <paramref name="startedAt"/> (a <see cref="TimeProvider"/> timestamp taken before it was sent,
    /// so the copy is never vouched for longer than it really was).
    /// </summary>
    internal void Confirmed(long startedAt)
    {
        Interlocked.Exchange(ref confirmedAt, startedAt);
        behindBecause = null;
    }

    /// <summary>A newer version exists and could not be loaded: refuse at once rather than serve what it changed.</summary>
    internal void FellBehind(long knownVersion) =>
        behindBecause = $"the partner registry is at version {knownVersion} and this replica could not load it (it holds {EnforcedVersion})";
}
