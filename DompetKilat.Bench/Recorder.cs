namespace DompetKilat.Bench;

/// <summary>
/// Turns a measured section into a row: Start before the load resets the peaks and marks the CPU
/// time; a row then carries the cores used since, and the Api's and the worker's peaks.
/// </summary>
public sealed class Recorder(CpuMeter cpu, MemoryMeter memory, SystemProcesses processes, ResultTable table)
{
    public CpuMark Start()
    {
        memory.ResetPeaks();
        return cpu.Mark();
    }

    public CoreUse CoresSince(CpuMark mark) => cpu.CoresSince(mark);

    /// <summary>
    /// A row of the Api's, with its and the worker's peaks since Start; a hot path (HotPath) also
    /// gets a line in the CPU-per-request table.
    /// </summary>
    public void ServiceRow(
        string name, long rps, string p50, string p99, long errors, (string P50, string P99) apply,
        Limit limit, PeerRate peer, CoreUse cores, HotPath? path = null) =>
        table.Add(new Row(name, $"{rps}", p50, p99, errors, apply.P50, apply.P99, limit, peer, cores,
            $"{MemoryMeter.PeakMb(processes.Api)}", $"{MemoryMeter.PeakMb(processes.Worker)}") { Path = path, Server = Server.Api });

    /// <summary>A row of PostgreSQL or Redis alone: no service ran, so no memory columns.</summary>
    public void LimitRow(string name, LimitResult result, Limit limit, PeerRate peer, CoreUse cores) =>
        table.Add(LimitRowOf(name, result, limit, peer, cores));

    public static Row LimitRowOf(string name, LimitResult result, Limit limit, PeerRate peer, CoreUse cores) =>
        new(name, result.Rps, result.P50Ms, result.P99Ms, result.Errors, "-", "-", limit, peer, cores, "-", "-");
}
