using DompetKilat.Lending.Data;
using DompetKilat.Lending.Data.PersonalData;
using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using DompetKilat.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Xunit.Abstractions;

namespace DompetKilat.Tests.Partners;

/// <summary>Three Api replicas, so "in force on every replica when it answers" is tried where a race would show.</summary>
public sealed class ThreeReplicaApp() : DompetKilatApp(apiReplicas: 3, workerReplicas: 1);

[CollectionDefinition(Name)]
public sealed class TrustControlCollection : ICollectionFixture<ThreeReplicaApp>
{
    public const string Name = "Trust controls on three replicas";
}

/// <summary>
/// API-CONTRACT §8's promises, held the moment they answer: a registry change is in force on
/// every replica when its admin call answers, a replica that cannot vouch for its registry
/// refuses instead of serving an old one, and every answered read is on record even if its
/// replica is killed right after.
/// </summary>
[Collection(TrustControlCollection.Name)]
public sealed class TrustControlTests(ThreeReplicaApp system, ITestOutputHelper output)
{
    private const string UnknownNik = "/v1/borrower/3626382876387831";

    [Fact]
    public async Task Two_hundred_registry_changes_are_each_in_force_on_every_replica_when_they_answer()
    {
        var replicas = system.ApiReplicaClients();
        Assert.Equal(3, replicas.Count);
        var disagreements = new List<string>();
        var changes = 0;

        async Task ExpectEverywhereAsync(string change, string key, HttpStatusCode expected)
        {
            changes += change.Length > 0 ? 1 : 0;
            foreach (var replica in replicas)
            {
                var (status, body) = await replica.GetAsPartnerAsync(UnknownNik, key);
                if (status != expected)
                {
                    disagreements.Add($"after {change}: {replica.BaseAddress} answered {(int)status} {body["message"]}, expected {(int)expected}");
                }
            }
        }

        for (var round = 0; round < 50; round++)
        {
            var code = PartnerCalls.NewPartnerCode("T");
            var (_, created) = await system.RegisterPartnerAsync(
                new { partnerCode = code, name = "Trust", allowList = PartnerCalls.Loopback, productCodes = new[] { "95" } });
            Assert.Equal("00", created.Status());
            var first = created["data"]!["apiKey"]!.GetValue<string>();
            await ExpectEverywhereAsync("create", first, HttpStatusCode.NotFound);

            var (_, rotated) = await system.AdminAsync(HttpMethod.Post, $"/v1/admin/partners/{code}/keys", """{"revokePrevious": true}""");
            Assert.Equal("00", rotated.Status());
            var second = rotated["data"]!["apiKey"]!.GetValue<string>();
            await ExpectEverywhereAsync("revoke", first, HttpStatusCode.Unauthorized);
            await ExpectEverywhereAsync("", second, HttpStatusCode.NotFound);

            var (_, updated) = await system.AdminAsync(HttpMethod.Put, $"/v1/admin/partners/{code}",
                """{"name": "Trust", "allowList": ["203.0.113.7"], "productCodes": ["95"], "keyless": false}""");
            Assert.Equal("00", updated.Status());
            await ExpectEverywhereAsync("allow-list change", second, HttpStatusCode.Forbidden);

            var (_, disabled) = await system.AdminAsync(HttpMethod.Post, $"/v1/admin/partners/{code}/disable");
            Assert.Equal("00", disabled.Status());
            foreach (var replica in replicas)
            {
                var (status, body) = await replica.GetAsPartnerAsync(UnknownNik, second);
                if (status != HttpStatusCode.Forbidden || !body["message"]!.GetValue<string>().Contains("disabled", StringComparison.Ordinal))
                {
                    disagreements.Add($"after disable: {replica.BaseAddress} answered {(int)status} {body["message"]}");
                }
            }

            changes++;
        }

        Report($"registry: {changes} changes, each checked at once on {replicas.Count} replicas; {disagreements.Count} answers disagreed with the committed registry");
        Assert.Equal(200, changes);
        Assert.True(disagreements.Count == 0, string.Join(Environment.NewLine, disagreements.Take(20)));
    }

    [Fact]
    public async Task With_every_listener_cut_off_a_change_is_still_in_force_everywhere_when_it_answers()
    {
        var partner = await system.NewPartnerAsync();
        await using (var db = await system.CreateDbContextAsync())
        {
            var cut = await db.Database.SqlQuery<bool>($"""
                SELECT pg_terminate_backend(pid) AS "Value" FROM pg_stat_activity WHERE query = 'LISTEN partners_changed'
                """).ToListAsync();
            Assert.True(cut.Count >= 3, $"cut {cut.Count} listeners");
        }

        var (_, disabled) = await system.AdminAsync(HttpMethod.Post, $"/v1/admin/partners/{partner.Code}/disable");

        Assert.Equal("00", disabled.Status());
        foreach (var replica in system.ApiReplicaClients())
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await replica.GetAsPartnerAsync(UnknownNik, partner.ApiKey)).Status);
        }
    }

    [Fact]
    public async Task A_replica_that_cannot_load_a_newer_registry_refuses_partners_and_is_not_ready_until_it_can()
    {
        var partner = await system.NewPartnerAsync();
        var replicas = system.ApiReplicaClients();
        await using var db = await system.CreateDbContextAsync();
        await db.Database.ExecuteSqlRawAsync("REVOKE SELECT ON partner_keys FROM dompetkilat_service");
        try
        {
            // A change no replica can load: each must stop serving its old copy, never answer from it.
            await db.Database.ExecuteSqlAsync($"UPDATE partners SET name = 'Renamed by hand' WHERE partner_code = {partner.Code}");
            foreach (var replica in replicas)
            {
                var deadline = DateTime.UtcNow.AddSeconds(5);
                HttpStatusCode health;
                do
                {
                    health = (await replica.GetAsync("/health")).StatusCode;
                }
                while (health == HttpStatusCode.OK && DateTime.UtcNow < deadline && await Delay());

                Assert.Equal(HttpStatusCode.ServiceUnavailable, health);
                var (status, body) = await replica.GetAsPartnerAsync(UnknownNik, partner.ApiKey);
                Assert.Equal((HttpStatusCode.ServiceUnavailable, "99"), (status, body.Status()));
            }

            // The back office is not told a change is in force while replicas could not take it.
            var (answered, disabled) = await system.AdminAsync(HttpMethod.Post, $"/v1/admin/partners/{partner.Code}/disable");
            Assert.Equal((HttpStatusCode.ServiceUnavailable, "99"), (answered, disabled.Status()));
            Assert.Contains("not yet in force on Api replica(s)", disabled["message"]!.GetValue<string>(), StringComparison.Ordinal);
        }
        finally
        {
            await db.Database.ExecuteSqlRawAsync("GRANT SELECT ON partner_keys TO dompetkilat_service");
        }

        foreach (var replica in replicas)
        {
            var deadline = DateTime.UtcNow.AddSeconds(5);
            while ((await replica.GetAsync("/health")).StatusCode != HttpStatusCode.OK)
            {
                Assert.True(DateTime.UtcNow < deadline, $"{replica.BaseAddress} did not recover");
                await Task.Delay(100);
            }

            Assert.Equal(HttpStatusCode.Forbidden, (await replica.GetAsPartnerAsync(UnknownNik, partner.ApiKey)).Status);
        }

        static async Task<bool> Delay()
        {
            await Task.Delay(100);
            return true;
        }
    }

    [Fact]
    public async Task Every_profile_read_answered_before_its_replica_is_killed_is_in_the_trail()
    {
        // LOCAL (loopback, no key) has no budget in Development, so the storm is not throttled.
        var registration = TestPeople.Registration();
        Assert.Equal("00", (await system.Api.PostAsPartnerAsync("/v1/borrower/register", registration, null)).Body.Status());
        var victim = system.Replicas("api")[^1];
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{victim.Address.Port}") };
        var path = $"/v1/borrower/{registration["idNumber"]}";
        var served = 0;
        using var stop = new CancellationTokenSource();

        async Task ReadLoopAsync()
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    using var request = new HttpRequestMessage(HttpMethod.Get, path);
                    using var response = await client.SendAsync(request, stop.Token);
                    var body = await ContractJson.ReadEnvelopeAsync(response);
                    if (body.Status() == "00")
                    {
                        Interlocked.Increment(ref served);
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or IOException or System.Text.Json.JsonException)
                {
                    // The replica died under this request: nothing was answered.
                }
            }
        }

        var readers = Enumerable.Range(0, 16).Select(_ => Task.Run(ReadLoopAsync)).ToList();
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        await system.KillAsync(victim);
        await stop.CancelAsync();
        await Task.WhenAll(readers);

        await using var db = await system.CreateDbContextAsync();
        var audited = await db.Database.SqlQuery<int>($"""
            SELECT count(*)::int AS "Value" FROM audit_events e JOIN borrowers b ON b.id = e.borrower_id
            WHERE b.id_number_index = {system.BlindIndex.IdNumber(registration["idNumber"]!.GetValue<string>())} AND e.action = {"GET /v1/borrower/{idNumber}"} AND e.outcome = '00'
            """).SingleAsync();
        Report($"audit: a replica SIGKILLed during a storm of profile reads had served {served}; {audited} are in the trail");
        Assert.True(served > 0, "the storm served nothing before the kill");
        Assert.True(audited >= served, $"served {served} profiles, but only {audited} are in the trail");
        await system.StartAsync(victim.Id);
    }

    [Fact]
    public async Task A_write_that_began_before_a_disable_commits_nothing_after_it()
    {
        var partner = await system.NewPartnerAsync();
        var registration = TestPeople.Registration();
        using var client = system.ApiReplicaClients()[0];
        var halfSent = new TaskCompletionSource();
        var finish = new TaskCompletionSource();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/borrower/register")
        {
            Content = new SlowContent(Encoding.UTF8.GetBytes(registration.ToJsonString()), halfSent, finish.Task),
        };
        request.Headers.Add("X-Partner-Key", partner.ApiKey);

        var registering = client.SendAsync(request);
        await halfSent.Task;
        var (_, disabled) = await system.AdminAsync(HttpMethod.Post, $"/v1/admin/partners/{partner.Code}/disable");
        Assert.Equal("00", disabled.Status());
        finish.SetResult();
        using var response = await registering;

        var body = await ContractJson.ReadEnvelopeAsync(response);
        Assert.Equal((HttpStatusCode.Forbidden, "05"), (response.StatusCode, body.Status()));
        await using var db = await system.CreateDbContextAsync();
        var nik = registration["idNumber"]!.GetValue<string>();
        Assert.False(await db.Borrowers.HavingIdNumber(system.BlindIndex, nik).AnyAsync());
    }

    [Fact]
    public async Task A_disable_answers_only_once_the_writes_already_admitted_have_committed()
    {
        var partner = await system.NewPartnerAsync();
        await using var db = await system.CreateDbContextAsync();
        var partnerId = await db.Partners.Where(p => p.Code == partner.Code).Select(p => p.Id).SingleAsync();

        // A write admitted and not yet committed holds its partner's write lock shared, as a registration's batch does.
        await using var write = new NpgsqlConnection(await system.App.GetConnectionStringAsync("dompetkilat"));
        await write.OpenAsync();
        await using var inFlight = await write.BeginTransactionAsync();
        await using (var share = new NpgsqlCommand(PartnerWriteLock.Shared, write, inFlight) { Parameters = { new() { Value = partnerId } } })
        {
            await share.ExecuteNonQueryAsync();
        }

        var disabling = system.AdminAsync(HttpMethod.Post, $"/v1/admin/partners/{partner.Code}/disable");
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.False(disabling.IsCompleted, "the disable answered while a write it must wait for was still in flight");

        await inFlight.CommitAsync();
        var (_, disabled) = await disabling.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("00", disabled.Status());
        using var another = system.ApiReplicaClients()[1];
        var (status, refused) = await another.PostAsPartnerAsync("/v1/borrower/register", TestPeople.Registration(), partner.ApiKey);
        Assert.Equal((HttpStatusCode.Forbidden, "05"), (status, refused.Status()));
    }

    [Fact]
    public async Task The_services_login_cannot_change_the_trail_even_after_RESET_ROLE()
    {
        var environment = system.App.ResourceNotifications.TryGetCurrentState(system.Instances["api"][0], out var api)
            ? api.Snapshot.EnvironmentVariables : throw new InvalidOperationException("no Api state");
        var connectionString = environment.Single(v => v.Name == "ConnectionStrings__dompetkilat").Value!;
        Assert.Equal("dompetkilat_app", new NpgsqlConnectionStringBuilder(connectionString).Username);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();

        foreach (var statement in new[]
        {
            "UPDATE audit_events SET outcome = '00'",
            "DELETE FROM audit_events",
            "TRUNCATE audit_events",
            "RESET ROLE; UPDATE audit_events SET outcome = '00'",
            "RESET ROLE; DELETE FROM audit_events",
            "SET ROLE postgres",
        })
        {
            await using var command = new NpgsqlCommand(statement, connection);
            var refusal = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync());
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refusal.SqlState);
        }

        await using var read = new NpgsqlCommand("SELECT count(*) FROM audit_events", connection);
        Assert.True((long)(await read.ExecuteScalarAsync())! > 0);
    }

    [Fact]
    public async Task An_oversized_callback_sent_without_waiting_for_leave_is_answered_06_every_time()
    {
        // As most HTTP clients send: the whole body at once, no Expect: 100-continue, on the replicas' own sockets.
        var body = $$"""{"transactionId": "oversized", "bankCode": "{{new string('B', 300 * 1024)}}"}""";
        var answers = new List<string>();
        foreach (var replica in system.ApiReplicaClients())
        {
            for (var i = 0; i < 10; i++)
            {
                try
                {
                    using var response = await replica.PostAsync("/v1/loan/disburse", new StringContent(body, Encoding.UTF8, "application/json"));
                    answers.Add($"{(int)response.StatusCode} {(await ContractJson.ReadEnvelopeAsync(response)).Status()}");
                }
                catch (HttpRequestException ex)
                {
                    answers.Add($"{replica.BaseAddress}: {ex.Message}");
                }
            }
        }

        Assert.All(answers, answer => Assert.Equal("413 06", answer));
    }

    /// <summary>Figures a person reads at the end of ./test.sh, beside the drill's.</summary>
    private void Report(string line)
    {
        output.WriteLine(line);
        if (Environment.GetEnvironmentVariable("DOMPETKILAT_DRILL_REPORT") is { Length: > 0 } report)
        {
            File.AppendAllText(report, $"trust controls: {line}{Environment.NewLine}");
        }
    }

    /// <summary>A body sent in two halves, the second only when the test says so, as a slow upload would arrive.</summary>
    private sealed class SlowContent : HttpContent
    {
        private readonly byte[] body;
        private readonly TaskCompletionSource halfSent;
        private readonly Task finish;

        public SlowContent(byte[] body, TaskCompletionSource halfSent, Task finish)
        {
            (this.body, this.halfSent, this.finish) = (body, halfSent, finish);
            Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            await stream.WriteAsync(body.AsMemory(0, body.Length / 2));
            await stream.FlushAsync();
            halfSent.SetResult();
            await finish;
            await stream.WriteAsync(body.AsMemory(body.Length / 2));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = body.Length;
            return true;
        }
    }
}
