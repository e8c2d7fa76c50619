using DompetKilat.Lending.Webhooks;
using DompetKilat.PartnerSandbox;
using DompetKilat.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
var secret = builder.Configuration["Sandbox:WebhookSecret"]
    ?? throw new InvalidOperationException("Sandbox:WebhookSecret is not set; the AppHost passes LOCAL's development webhook secret.");
builder.Services.AddSingleton(new StandardWebhookSignature([secret]));
builder.Services.AddSingleton(TimeProvider.System);

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapSandboxEndpoints();

app.Run();
