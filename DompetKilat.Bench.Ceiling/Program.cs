using DompetKilat.Bench.Ceiling;
using Npgsql;

// The peer's two borrower routes (eng/bench/peer) on bare ASP.NET Core and Npgsql: no EF, no service
// defaults, no telemetry, logging at Warning. It answers what the peer answers from the peer's own
// table, so the bench can show what the stack costs for that work and what the Api adds on top.
// Usage: ConnectionStrings__Peer="Host=...;Database=peer;..." ASPNETCORE_URLS=http://127.0.0.1:5202 DompetKilat.Bench.Ceiling
var builder = WebApplication.CreateSlimBuilder(args);
// Production's level, wherever it is started from (no appsettings file to find).
builder.Logging.SetMinimumLevel(LogLevel.Warning);
// The peer's Fastify refuses bodies over 64 KB.
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = 64 * 1024);
builder.Services.ConfigureHttpJsonOptions(options => options.SerializerOptions.TypeInfoResolverChain.Insert(0, CeilingJson.Default));

var connection = new NpgsqlDataSourceBuilder(builder.Configuration.GetConnectionString("Peer")
    ?? throw new InvalidOperationException("ConnectionStrings:Peer is required"));
// The peer's pg.Pool holds 20 connections; the same here, so neither has more backends to work with.
connection.ConnectionStringBuilder.MaxPoolSize = 20;
// Nothing here changes a session's state, so a returned connection needs no reset round trip.
connection.ConnectionStringBuilder.NoResetOnClose = true;
await using var dataSource = connection.Build();
var borrowers = new Borrowers(dataSource);
await borrowers.CreateTableAsync(CancellationToken.None);

var app = builder.Build();
app.MapPost("/v1/borrower/register", (RegisterRequest? request, CancellationToken cancellation) => borrowers.RegisterAsync(request, cancellation));
app.MapGet("/v1/borrower/{idNumber}", (string idNumber, CancellationToken cancellation) => borrowers.ReadAsync(idNumber, cancellation));
await app.RunAsync();
