using DompetKilat.Lending.Data;
using DompetKilat.Lending.Data.PersonalData;
using DompetKilat.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace DompetKilat.Tests.Partners;

/// <summary>The references the schema keeps without foreign keys are still watched: one that dangles is reported.</summary>
[Collection(DompetKilatAppCollection.Name)]
public sealed class ReferenceIntegrityTests(DompetKilatApp system)
{
    [Fact]
    public async Task A_borrower_naming_a_product_that_does_not_exist_is_reported_with_its_id()
    {
        var nik = (await system.RegisteredBorrowerAsync())["idNumber"]!.GetValue<string>();
        await using var db = await system.CreateDbContextAsync();
        var borrowerId = await db.Borrowers.HavingIdNumber(system.BlindIndex, nik).Select(b => b.Id).SingleAsync();
        Assert.DoesNotContain(await ReferenceIntegrity.FindDanglingAsync(db, CancellationToken.None), r => r.Reference == "borrowers.product_id");

        // Only someone working on the database itself could do this: without a foreign key nothing refuses it.
        var productId = await db.Borrowers.Where(b => b.Id == borrowerId).Select(b => b.ProductId).SingleAsync();
        await db.Database.ExecuteSqlAsync($"UPDATE borrowers SET product_id = 999999 WHERE id = {borrowerId}");
        try
        {
            var dangling = Assert.Single(await ReferenceIntegrity.FindDanglingAsync(db, CancellationToken.None), r => r.Reference == "borrowers.product_id");
            Assert.Equal((1L, borrowerId), (dangling.Dangling, dangling.ExampleId));
        }
        finally
        {
            await db.Database.ExecuteSqlAsync($"UPDATE borrowers SET product_id = {productId} WHERE id = {borrowerId}");
        }
    }
}
