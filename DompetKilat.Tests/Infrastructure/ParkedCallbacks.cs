using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;

namespace DompetKilat.Tests.Infrastructure;

/// <summary>Callbacks the worker gives up on, made on purpose, for the tests of what operators do about them.</summary>
public static class ParkedCallbacks
{
    /// <summary>
    /// A fresh approved loan's disbursement, parked: its stored copy loses <c>status</c>, as a bug
    /// or a bad manual fix might, so every attempt fails. Returns the loan and the parked listing.
    /// </summary>
    public static async Task<(string LoanCode, JsonObject Parked)> ParkedCallbackAsync(this DompetKilatApp system)
    {
        var loanCode = await system.ApprovedLoanAsync();
        var callback = LoanJourney.Callback(loanCode);
        var transactionId = callback["transactionId"]!.GetValue<string>();
        await system.StopAsync("callback-worker");
        try
        {
            await system.SendCallbackAsync(callback);
            await using var db = await system.CreateDbContextAsync();
            await db.Database.ExecuteSqlAsync($"UPDATE loan_callbacks SET payload = payload - 'status' WHERE transaction_id = {transactionId}");
        }
        finally
        {
            await system.StartAsync("callback-worker");
        }

        return (loanCode, await system.WaitForParkedAsync(transactionId));
    }

    /// <summary>Puts back what <see cref="ParkedCallbackAsync"/> took out, as the fix before a retry would.</summary>
    public static async Task RepairParkedCallbackAsync(this DompetKilatApp system, JsonObject parked)
    {
        var transactionId = parked["transactionId"]!.GetValue<string>();
        await using var db = await system.CreateDbContextAsync();
        await db.Database.ExecuteSqlAsync($"UPDATE loan_callbacks SET payload = payload || '{{\"status\": \"active\"}}'::jsonb WHERE transaction_id = {transactionId}");
    }

    /// <summary>The callback as the back office lists it among the parked ones, or null when it is not parked.</summary>
    public static async Task<JsonObject?> FindParkedAsync(this DompetKilatApp system, string transactionId)
    {
        var (_, body) = await system.AdminAsync(HttpMethod.Get, "/v1/admin/callbacks/parked");
        return body["data"]!["callbacks"]!.AsArray()
            .Select(c => c!.AsObject())
            .SingleOrDefault(c => c["transactionId"]!.GetValue<string>() == transactionId);
    }

    private static async Task<JsonObject> WaitForParkedAsync(this DompetKilatApp system, string transactionId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            if (await system.FindParkedAsync(transactionId) is { } parked)
            {
                return parked;
            }

            Assert.True(DateTime.UtcNow < deadline, $"callback {transactionId} was never parked");
            await Task.Delay(100);
        }
    }
}
