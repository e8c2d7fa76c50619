using DompetKilat.Api.Borrowers;
using DompetKilat.Api.Contract;
using DompetKilat.Api.Loans;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.UseExceptionHandler();
app.UseMiddleware<BodySizeLimitMiddleware>();

app.MapDefaultEndpoints();
app.MapApiReference();
app.MapBorrowerEndpoints();
app.MapLoanEndpoints();
app.MapContractFallback();

app.Run();
