namespace DompetKilat.Bench;

/// <summary>
/// The physical limit: the same PostgreSQL and Redis with pgbench and redis-benchmark at the same
/// concurrency, with nothing else running, for the "/limit" column and the LIMIT rows.
/// </summary>
public sealed class LimitRunner(
    BenchSettings settings, PgBench pgbench, Database database, Recorder recorder, ResultTable table, int redisPort)
{
    private Row? profileRead;

    /// <summary>
    /// The Api's own read statement on PostgreSQL alone, run right after the read workload while the
    /// hot set's photos are still the seed's small ones, as they were for those reads; its row is
    /// printed with the other limits.
    /// </summary>
    public async Task ProfileReadAsync(CancellationToken cancellation)
    {
        var partner = await PartnerIdAsync(cancellation);
        var mark = recorder.Start();
        var result = await pgbench.RunAsync("profile", "pg-profile.sql", ["-M", "prepared", "-D", $"hot={settings.Hot}", "-D", $"partner={partner}"],
            cancellation, postgresOptions: "-c plan_cache_mode=force_generic_plan");
        profileRead = Recorder.LimitRowOf("LIMIT pg Api's profile read", result, Limit.None, PeerRate.Read, recorder.CoresSince(mark));
    }

    public async Task RunAsync(CancellationToken cancellation)
    {
        Console.WriteLine("==> physical limit (pgbench, redis-benchmark)");
        await database.ExecuteAsync(
            """
            CREATE TABLE bench_borrowers (LIKE borrowers INCLUDING DEFAULTS INCLUDING INDEXES);
            CREATE SEQUENCE bench_borrowers_seq;
            """, cancellation);
        var insert = await MeasureAsync("LIMIT pg single-row insert", "insert", "pg-insert.sql", [], Limit.None, PeerRate.None, cancellation);
        table.SetLimit(Limit.Insert, long.Parse(insert.Rps, System.Globalization.CultureInfo.InvariantCulture));
        var read = await MeasureAsync("LIMIT pg unique-index read", "read", "pg-read.sql", ["-D", $"hot={settings.Hot}"], Limit.None, PeerRate.None, cancellation);
        table.SetLimit(Limit.Read, long.Parse(read.Rps, System.Globalization.CultureInfo.InvariantCulture));

        await database.ExecuteAsync("CREATE SEQUENCE bench_register_seq", cancellation);
        var partner = await PartnerIdAsync(cancellation);
        var product = await database.ScalarAsync<object>("SELECT id FROM products WHERE code = '95'", cancellation);
        await MeasureAsync("LIMIT pg Api's registration", "register", "pg-register.sql", ["-M", "prepared", "-D", $"partner={partner}", "-D", $"product={product}"],
            Limit.Insert, PeerRate.Registration, cancellation);
        table.Add(profileRead ?? throw new BenchException("the profile read's limit was not measured"));

        // bench_documents is a copy of borrower_documents (uncompressed storage included) holding the
        // hot set's ids, so each update replaces photos of the size the Api stored for the bench's
        // photos (their base64 decoded and sealed), as an application does.
        var photoReps = await database.ScalarAsync<int>("SELECT max(octet_length(foto_ktp)) FROM borrower_documents", cancellation) / 32;
        await database.ExecuteAsync(
            $"""
            CREATE TABLE bench_documents (LIKE borrower_documents INCLUDING ALL);
            INSERT INTO bench_documents (id, data_key, data_key_id, foto_ktp, foto_selfie)
            SELECT g, convert_to(substr(repeat(md5(g::text), 2), 1, 60), 'UTF8'), 'primary',
                   convert_to(repeat(md5(g::text), {photoReps}), 'UTF8'), convert_to(repeat(md5(g::text), {photoReps}), 'UTF8')
            FROM generate_series(1, {settings.Hot}) AS g;
            """, cancellation);
        var photos = await MeasureAsync("LIMIT pg two-photo update", "photos", "pg-photos.sql",
            ["-D", $"hot={settings.Hot}", "-D", $"reps={photoReps}"], Limit.None, PeerRate.None, cancellation);
        table.SetLimit(Limit.Photos, long.Parse(photos.Rps, System.Globalization.CultureInfo.InvariantCulture));

        var mark = recorder.Start();
        var redis = await RedisBenchmark.RunAsync(settings, redisPort, cancellation);
        var cores = recorder.CoresSince(mark);
        foreach (var (test, result) in redis)
        {
            recorder.LimitRow($"LIMIT redis {test}", result, Limit.None, PeerRate.None, cores);
        }
    }

    private async Task<LimitResult> MeasureAsync(
        string name, string logName, string script, string[] variables, Limit limit, PeerRate peer, CancellationToken cancellation)
    {
        var mark = recorder.Start();
        var result = await pgbench.RunAsync(logName, script, variables, cancellation);
        recorder.LimitRow(name, result, limit, peer, recorder.CoresSince(mark));
        return result;
    }

    private Task<object> PartnerIdAsync(CancellationToken cancellation) =>
        database.ScalarAsync<object>("SELECT id FROM partners WHERE partner_code = 'BENCH'", cancellation);
}
