using DompetKilat.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace DompetKilat.Tests.Foundation;

/// <summary>
/// Repayment histories became a complex collection in the same JSON column: what the earlier
/// mapping stored must read the same, and a loan it stored no history for must read as unpaid.
/// </summary>
[Collection(DompetKilatAppCollection.Name)]
public sealed class HistoryMigrationTests(DompetKilatApp system)
{
    private const string HistoriesOwnedAsEntities = "20261126134454_NewCallbacksRingOnRedis";

    [Fact]
    public async Task A_history_stored_before_reads_the_same_after_and_a_loan_stored_without_one_reads_as_never_repaid()
    {
        await using var scratch = await ScratchDatabase.AtAsync(system, HistoriesOwnedAsEntities);
        var db = scratch.Db;
        // As the earlier mapping wrote them.
        var history = """[{"PaymentAmount": 250000, "TransactionTime": "2021-10-25T15:20:16.921Z"}]""";
        await scratch.StoreAsync($"""
            INSERT INTO loans (id, borrower_id, product_id, status, loan_code, plafons, amount, tenor, tenor_unit, contract_no, interest, created_at, updated_at, histories)
            VALUES (1, 1, 1, 3, 'L1', 1, 1, 1, 'DAY', 'C1', '1', now(), now(), NULL),
                   (2, 1, 1, 5, 'L2', 1, 1, 1, 'DAY', 'C2', '1', now(), now(), {history}::jsonb)
            """);

        await db.GetService<IMigrator>().MigrateAsync();

        var histories = await db.Loans.AsNoTracking().OrderBy(l => l.Id).Select(l => l.Histories).ToListAsync();
        Assert.Empty(histories[0]);
        var payment = Assert.Single(histories[1]);
        Assert.Equal((250000L, new DateTime(2021, 10, 25, 15, 20, 16, 921, DateTimeKind.Utc)), (payment.PaymentAmount, payment.TransactionTime));
    }
}
