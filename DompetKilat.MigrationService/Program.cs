using DompetKilat.Lending.Data;
using DompetKilat.MigrationService;
using DompetKilat.ServiceDefaults;

var builder = Host.CreateApplicationBuilder(args);

builder.AddServiceDefaults();
builder.AddLendingDatabaseOwner();
builder.AddFieldEncryption();
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddHostedService<DatabaseMigrator>();

builder.Build().Run();
