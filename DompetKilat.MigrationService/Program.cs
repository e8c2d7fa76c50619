using DompetKilat.MigrationService;

var builder = Host.CreateApplicationBuilder(args);

builder.AddServiceDefaults();
builder.AddLendingDatabase();
builder.Services.AddHostedService<DatabaseMigrator>();

builder.Build().Run();
