using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using DompetKilat.AppHost;
using DompetKilat.Lending.Data;
using DompetKilat.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace DompetKilat.Tests.PersonalData;

/// <summary>
/// A master key rotation as an operator runs it: a second master key added to every service and
/// made active (a restart), the worker rewrapping every data key under it while partners keep
/// reading, and a crash of the worker halfway.
/// </summary>
[Collection(MasterKeyRotationCollection.Name)]
public sealed class MasterKeyRotationTests(RotationApp system, ITestOutputHelper output)
{
    private const int Borrowers = 10_000;

    /// <summary>Borrowers that also applied for a loan, so their photos' rows hold a wrapped data key of their own.</summary>
    private const int WithPhotos = 200;

    private const int WrappedKeys = Borrowers + WithPhotos;

    [Fact]
    public async Task A_rotation_of_10000_borrowers_completes_while_a_read_storm_gets_only_00_and_survives_a_SIGKILL_of_its_worker()
    {
        var seeding = Stopwatch.StartNew();
        var people = await SeedAsync();
        Report($"seeded {Borrowers} borrowers ({WithPhotos} with a loan application) through the Api in {seeding.Elapsed.TotalSeconds:F1} s");
        long partnerSecrets;
        await using (var db = await system.CreateDbContextAsync())
        {
            partnerSecrets = await CountAsync(db, "SELECT count(webhook_secret) + count(previous_webhook_secret) AS \"Value\" FROM partners");
        }

        // Beside the data keys, the master key seals the partners' webhook secrets (LOCAL's, NEARBY's).
        var sealedValues = WrappedKeys + partnerSecrets;
        Assert.True(partnerSecrets > 0, "no partner has a webhook secret to rotate");
        var sealedUnderPrimary = await FiguresAsync();
        Assert.Equal(("primary", sealedValues, 0L), (sealedUnderPrimary.ActiveKey, sealedUnderPrimary.Under("primary"), sealedUnderPrimary.Awaiting));

        // The operator's rollout: the Api first, so every reader knows the new key before any data key is under it.
        system.RotateToNextMasterKey();
        await system.StopAsync("api");
        await system.StartAsync("api");
        var rolledOut = await FiguresAsync();
        Assert.Equal(("next", sealedValues, 0L, sealedValues),
            (rolledOut.ActiveKey, rolledOut.Under("primary"), rolledOut.Under("next"), rolledOut.Awaiting));

        await using var storm = ReadStorm.Start(system.App.GetEndpoint("api", "http"), people);
        var rotation = Stopwatch.StartNew();
        await system.StopAsync("callback-worker");
        await system.StartAsync("callback-worker");
        await WaitForFiguresAsync(f => f.Awaiting <= sealedValues * 7 / 10, TimeSpan.FromMinutes(2));
        await system.KillAsync(system.Replicas("callback-worker")[0]);
        var atKill = await FiguresAsync();
        Report($"worker killed after {rotation.Elapsed.TotalSeconds:F1} s with {atKill.Awaiting} of {sealedValues} sealed values still under primary");
        Assert.True(atKill.Awaiting > 0, "the rotation finished before the worker was killed");
        Assert.Equal(sealedValues, atKill.Under("primary") + atKill.Under("next"));
        await system.StartAsync("callback-worker");
        var done = await WaitForFiguresAsync(f => f.Awaiting == 0, TimeSpan.FromMinutes(3));
        Report($"rotation complete {rotation.Elapsed.TotalSeconds:F1} s after the worker first started with the new key");
        var reads = await storm.StopAsync();

        Report($"read storm: {reads.Count} profile reads, {reads.Count(r => r != "00")} not 00");
        Assert.True(reads.Count > 100, $"the storm made only {reads.Count} reads");
        Assert.All(reads, status => Assert.Equal("00", status));
        Assert.Equal((0L, sealedValues), (done.Under("primary"), done.Under("next")));
        await using (var db = await system.CreateDbContextAsync())
        {
            Assert.Equal(0, await CountAsync(db, "SELECT count(*) AS \"Value\" FROM borrowers WHERE data_key IS NOT NULL AND data_key_id <> 'next'"));
            Assert.Equal(0, await CountAsync(db, "SELECT count(*) AS \"Value\" FROM borrower_documents WHERE data_key_id <> 'next'"));
            Assert.Equal(WithPhotos, await CountAsync(db, "SELECT count(*) AS \"Value\" FROM borrower_documents"));
            Assert.Equal(0, await CountAsync(db,
                "SELECT count(*) AS \"Value\" FROM partners WHERE webhook_secret NOT LIKE 'enc:v1:next:%' OR previous_webhook_secret NOT LIKE 'enc:v1:next:%'"));
        }

        await AssertEveryProfileReadsBackAsync(people);
        var command = await system.App.Services.GetRequiredService<ResourceCommandService>()
            .ExecuteCommandAsync(system.Instances["api"][0], DeveloperCommands.MasterKeyRotation, CancellationToken.None);
        Assert.True(command.Success, command.Message);
        Assert.StartsWith("Everything is sealed under master key 'next' (", command.Message, StringComparison.Ordinal);
        Assert.Contains("primary: 0", command.Message, StringComparison.Ordinal);
    }

    /// <summary>Figures a person reads at the end of ./test.sh, beside the drill's.</summary>
    private void Report(string line)
    {
        output.WriteLine(line);
        if (Environment.GetEnvironmentVariable("DOMPETKILAT_DRILL_REPORT") is { Length: > 0 } report)
        {
            File.AppendAllText(report, $"master key rotation: {line}{Environment.NewLine}");
        }
    }

    /// <summary>Registrations through the Api, many at once as partners send them, so every row is sealed by the service itself.</summary>
    private async Task<IReadOnlyList<Person>> SeedAsync()
    {
        var people = new ConcurrentBag<Person>();
        await Parallel.ForEachAsync(Enumerable.Range(0, Borrowers), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, _) =>
        {
            var registration = TestPeople.Registration();
            var (status, body) = await system.Api.PostJsonAsync("/v1/borrower/register", registration.ToJsonString());
            Assert.True(status == HttpStatusCode.OK, body.ToJsonString());
            var withPhotos = i < WithPhotos;
            if (withPhotos)
            {
                (status, body) = await system.Api.PostJsonAsync("/v1/loan/register", TestPeople.LoanApplication(registration).ToJsonString());
                Assert.True(status == HttpStatusCode.OK, body.ToJsonString());
            }

            people.Add(new Person(registration["idNumber"]!.GetValue<string>(), registration["phoneNumber"]!.GetValue<string>(),
                registration["email"]!.GetValue<string>(), withPhotos));
        });
        return [.. people];
    }

    private async Task AssertEveryProfileReadsBackAsync(IReadOnlyList<Person> people)
    {
        var wrong = new ConcurrentQueue<string>();
        await Parallel.ForEachAsync(people, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (person, _) =>
        {
            var (_, body) = await system.Api.GetJsonAsync($"/v1/borrower/{person.IdNumber}");
            if (!person.Matches(body))
            {
                wrong.Enqueue($"{person.IdNumber}: {body["status"]} {body["message"]}");
            }
        });
        Assert.True(wrong.IsEmpty, $"{wrong.Count} profiles did not read back: {string.Join("; ", wrong.Take(5))}");
    }

    private async Task<Figures> FiguresAsync()
    {
        var (status, body) = await system.AdminAsync(HttpMethod.Get, "/v1/admin/master-keys");
        Assert.True(status == HttpStatusCode.OK && body.Status() == "00", body.ToJsonString());
        var data = body["data"]!;
        return new Figures(data["activeKey"]!.GetValue<string>(),
            data["byMasterKey"]!.AsObject().ToDictionary(k => k.Key, k => k.Value!.GetValue<long>()),
            data["awaitingRotation"]!.GetValue<long>());
    }

    private async Task<Figures> WaitForFiguresAsync(Func<Figures, bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var figures = await FiguresAsync();
            if (condition(figures))
            {
                return figures;
            }

            Assert.True(DateTime.UtcNow < deadline, $"the rotation stalled with {figures.Awaiting} data keys awaiting rewrap");
            await Task.Delay(100);
        }
    }

    private static Task<long> CountAsync(LendingDbContext db, string sql) => db.Database.SqlQueryRaw<long>(sql).SingleAsync();

    private sealed record Figures(string ActiveKey, IReadOnlyDictionary<string, long> ByMasterKey, long Awaiting)
    {
        public long Under(string masterKey) => ByMasterKey.GetValueOrDefault(masterKey);
    }

    public sealed record Person(string IdNumber, string PhoneNumber, string Email, bool WithPhotos)
    {
        /// <summary>The profile is this person's, opened from their sealed values (and sealed photos, if they sent any).</summary>
        public bool Matches(JsonObject profile) =>
            profile["status"]?.GetValue<string>() == "00"
            && profile["data"]?["idNumber"]?.GetValue<string>() == IdNumber
            && profile["data"]?["phoneNumber"]?.GetValue<string>() == PhoneNumber
            && profile["data"]?["email"]?.GetValue<string>() == Email
            && (!WithPhotos || profile["data"]?["fotoKtp"]?.GetValue<string>() == TestPeople.SamplePhoto);
    }

    /// <summary>
    /// Partners reading profiles as fast as they can, each read checked against the person asked
    /// for. A plain client, with no retries that could hide a failed answer.
    /// </summary>
    private sealed class ReadStorm : IAsyncDisposable
    {
        private const int Readers = 8;

        private readonly HttpClient client;
        private readonly CancellationTokenSource stop = new();
        private readonly ConcurrentQueue<string> outcomes = new();
        private readonly Task[] readers;

        private ReadStorm(Uri api, IReadOnlyList<Person> people)
        {
            client = new HttpClient { BaseAddress = api };
            readers = [.. Enumerable.Range(0, Readers).Select(_ => Task.Run(() => ReadAsync(people)))];
        }

        public static ReadStorm Start(Uri api, IReadOnlyList<Person> people) => new(api, people);

        /// <summary>Each read's outcome: its status when the profile was the person's, else what came back instead.</summary>
        public async Task<IReadOnlyCollection<string>> StopAsync()
        {
            await stop.CancelAsync();
            await Task.WhenAll(readers);
            return outcomes;
        }

        private async Task ReadAsync(IReadOnlyList<Person> people)
        {
            while (!stop.IsCancellationRequested)
            {
                var person = people[Random.Shared.Next(people.Count)];
                try
                {
                    var (status, body) = await client.GetJsonAsync($"/v1/borrower/{person.IdNumber}");
                    outcomes.Enqueue(person.Matches(body) ? "00" : $"HTTP {(int)status} {body.ToJsonString()}");
                }
                catch (Exception ex)
                {
                    // No answer, or not the contract's envelope: the read failed as surely as a 99.
                    outcomes.Enqueue($"{ex.GetType().Name}: {ex.Message}");
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (!stop.IsCancellationRequested)
            {
                await StopAsync();
            }

            client.Dispose();
            stop.Dispose();
        }
    }
}

/// <summary>A system of its own: its services restart with a second master key, and its worker is killed.</summary>
[CollectionDefinition(Name)]
public sealed class MasterKeyRotationCollection : ICollectionFixture<RotationApp>
{
    public const string Name = "Master key rotation";
}

/// <summary>
/// One Api replica and one worker, whose settings gain a second master key <c>next</c>, made
/// active, once the test rolls it out; the worker rotates in small paced batches, so a rotation of
/// ten thousand borrowers lasts long enough to be killed halfway.
/// </summary>
public sealed class RotationApp() : DompetKilatApp(apiReplicas: 1, workerReplicas: 1)
{
    private static readonly string NextMasterKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    private volatile bool rotated;

    /// <summary>From now on the Api and the worker start with <c>next</c> listed and active, and <c>primary</c> still listed.</summary>
    public void RotateToNextMasterKey() => rotated = true;

    protected override void AddEnvironment(string service, IDictionary<string, object> environment)
    {
        if (service == "callback-worker")
        {
            environment["MasterKeyRotation__BatchSize"] = "50";
            environment["MasterKeyRotation__BatchPause"] = "00:00:00.100";
        }

        if (rotated && service is "api" or "callback-worker")
        {
            environment["Encryption__Keys__next"] = NextMasterKey;
            environment["Encryption__ActiveKey"] = "next";
        }
    }
}
