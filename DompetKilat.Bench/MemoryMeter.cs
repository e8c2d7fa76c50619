using System.Globalization;

namespace DompetKilat.Bench;

/// <summary>
/// Peak resident memory (VmHWM). Writing 5 to /proc/PID/clear_refs resets it (Linux >= 4.0), so
/// each row shows the peak during its own workload rather than since start. The whole run's peaks
/// of the Api and the worker are kept apart, since the targets are about the whole run.
/// </summary>
public sealed class MemoryMeter(SystemProcesses processes)
{
    public int RunPeakApiMb { get; private set; }
    public int RunPeakWorkerMb { get; private set; }
    /// <summary>Whether a reset failed (not root?), so the memory columns are peaks since start.</summary>
    public bool PeaksCumulative { get; private set; }

    public static int PeakMb(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmHWM", StringComparison.Ordinal));
        var kilobytes = long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        return (int)(kilobytes / 1024);
    }

    public void NoteRunPeaks()
    {
        RunPeakApiMb = Math.Max(RunPeakApiMb, PeakMb(processes.Api));
        RunPeakWorkerMb = Math.Max(RunPeakWorkerMb, PeakMb(processes.Worker));
    }

    public void ResetPeaks()
    {
        NoteRunPeaks();
        int?[] pids = [processes.Api, processes.Worker, processes.Peer, processes.Ceiling, processes.Baseline];
        foreach (var pid in pids.OfType<int>())
        {
            try
            {
                File.WriteAllText($"/proc/{pid}/clear_refs", "5");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                PeaksCumulative = true;
            }
        }
    }
}
