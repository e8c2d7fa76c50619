using DompetKilat.AppHost.DataStores;

var builder = DistributedApplication.CreateBuilder(args);

var adminApiKey = builder.AddParameter("admin-api-key", secret: true);
var (database, redis) = builder.AddDataStores();

var migrations = builder.AddProject<Projects.DompetKilat_MigrationService>("migrations")
    .WithReference(database, LendingDatabase.ConnectionName)
    .WaitFor(database);

builder.AddProject<Projects.DompetKilat_Api>("api")
    .WithReference(database, LendingDatabase.ConnectionName)
    .WithReference(redis)
    .WaitFor(redis)
    .WaitForCompletion(migrations)
    .WithEnvironment("Admin__ApiKey", adminApiKey)
    .WithHttpHealthCheck("/health");

builder.AddProject<Projects.DompetKilat_CallbackWorker>("callback-worker")
    .WithReference(database, LendingDatabase.ConnectionName)
    .WithReference(redis)
    .WaitFor(redis)
    .WaitForCompletion(migrations)
    .WithHttpHealthCheck("/health");

builder.Build().Run();
