using DompetKilat.Api.Borrowers;
using DompetKilat.Api.Contract;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.UseExceptionHandler();
app.UseMiddleware<BodySizeLimitMiddleware>();

app.MapDefaultEndpoints();
app.MapApiReference();
app.MapBorrowerEndpoints();
app.MapContractFallback();

app.Run();
