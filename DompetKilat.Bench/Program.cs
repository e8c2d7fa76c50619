using System.Runtime.InteropServices;
using DompetKilat.Bench;

// The benchmark's logic, run by ./bench.sh once it has built and started the system as deployed;
// bench.sh stops the system after. Ctrl+C or SIGTERM stops the load and whatever this started.
using var stop = new CancellationTokenSource();
using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);

try
{
    await Benchmark.RunAsync(BenchSettings.Parse(args), stop.Token);
    return 0;
}
catch (BenchException e)
{
    await Console.Error.WriteLineAsync($"bench: {e.Message}");
    return 1;
}
catch (OperationCanceledException) when (stop.IsCancellationRequested)
{
    await Console.Error.WriteLineAsync("bench: stopped");
    return 130;
}

void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    stop.Cancel();
}
