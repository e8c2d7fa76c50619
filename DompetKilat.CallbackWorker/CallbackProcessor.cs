using System.Diagnostics;
using DompetKilat.Domain.Persistence;
using Microsoft.EntityFrameworkCore;

namespace DompetKilat.CallbackWorker;

/// <summary>
/// Applies accepted callbacks to loans. Until the callback inbox exists it only proves, in a
/// traced start-up step, that the worker reaches the schema the migrations created.
/// </summary>
internal sealed class CallbackProcessor(IServiceScopeFactory scopeFactory, ILogger<CallbackProcessor> logger) : BackgroundService
{
    private static readonly ActivitySource ActivitySource = new(Extensions.TelemetrySourceName);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var activity = ActivitySource.StartActivity("Callback worker start-up");
        await using var scope = scopeFactory.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LendingDbContext>();
        var products = await db.Products.CountAsync(stoppingToken);
        logger.LogInformation("Callback worker started; {ProductCount} products configured", products);
    }
}
