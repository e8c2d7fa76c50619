using DompetKilat.CallbackWorker.Extensions;
using DompetKilat.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.UseRequestLogScope();
app.MapDefaultEndpoints();

app.Run();
