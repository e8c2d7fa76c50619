using DompetKilat.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace DompetKilat.Tests.Foundation;

[Collection(DompetKilatAppCollection.Name)]
public sealed class SystemStartupTests(DompetKilatApp system)
{
    [Theory]
    [InlineData("postgres")]
    [InlineData("dompetkilat")]
    [InlineData("redis")]
    [InlineData("api")]
    [InlineData("callback-worker")]
    [InlineData("partner-sandbox")]
    public async Task Every_resource_becomes_healthy(string resource)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var resourceEvent = await system.App.ResourceNotifications.WaitForResourceAsync(
            resource, e => e.Snapshot.HealthStatus == HealthStatus.Healthy, timeout.Token);

        Assert.Equal(KnownResourceStates.Running, resourceEvent.Snapshot.State?.Text);
    }

    [Fact]
    public async Task Migrations_ran_to_completion_before_the_services_started()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var state = await system.App.ResourceNotifications.WaitForResourceAsync(
            "migrations", e => e.Snapshot.State?.Text == KnownResourceStates.Finished, timeout.Token);

        Assert.Equal(0, state.Snapshot.ExitCode);
    }

    [Theory]
    [InlineData("api")]
    [InlineData("callback-worker")]
    public async Task Service_health_endpoint_reports_healthy(string resource)
    {
        using var client = system.App.CreateHttpClient(resource);

        var response = await client.GetAsync("/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Migrations_created_the_whole_schema()
    {
        await using var db = await system.CreateDbContextAsync();

        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.Equal(db.Database.GetMigrations(), await db.Database.GetAppliedMigrationsAsync());
    }

    [Fact]
    public async Task The_reference_product_is_seeded()
    {
        await using var db = await system.CreateDbContextAsync();

        var product = await db.Products.SingleAsync(p => p.Code == "95");

        Assert.True(product.IsActive);
    }
}
