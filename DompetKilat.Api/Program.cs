using DompetKilat.Api.Admin;
using DompetKilat.Api.Borrowers;
using DompetKilat.Api.Callbacks;
using DompetKilat.Api.Contract;
using DompetKilat.Api.Loans;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.UseExceptionHandler();
app.UseContractStatusCodes();
app.UseAuthentication();
app.UseAuthorization();
app.UseMiddleware<BodySizeLimitMiddleware>();

app.MapDefaultEndpoints();
app.MapApiReference();
app.MapBorrowerEndpoints();
app.MapLoanEndpoints();
app.MapCallbackEndpoints();
app.MapAdminLoanEndpoints();
app.MapAdminCallbackEndpoints();

app.Run();
