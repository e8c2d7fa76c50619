namespace DompetKilat.CallbackWorker;

/// <summary>
/// A job that does a round at start and then once per interval until the worker stops; a failed
/// round is logged as a fault and the next one tries again, so one bad round never ends the job.
/// </summary>
internal static class PeriodicRounds
{
    public static async Task RunAsync(
        TimeSpan interval, TimeProvider clock, Func<CancellationToken, Task> round, Action<Exception> failed, CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(interval, clock);
        try
        {
            do
            {
                try
                {
                    await round(stoppingToken);
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    failed(ex);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down; what is left goes at the next start.
        }
    }
}
