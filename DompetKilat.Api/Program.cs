using DompetKilat.Api.Admin;
using DompetKilat.Api.Borrowers;
using DompetKilat.Api.Callbacks;
using DompetKilat.Api.Contract;
using DompetKilat.Api.Events;
using DompetKilat.Api.Extensions;
using DompetKilat.Api.Loans;
using DompetKilat.Api.Security;
using DompetKilat.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
BackOfficeListener.Listen(builder);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.UseRequestLogScope();
app.UsePartnerEdge();

app.MapDefaultEndpoints();
app.MapApiReference();
app.MapBorrowerEndpoints();
app.MapLoanEndpoints();
app.MapEventEndpoints();
app.MapCallbackEndpoints();
app.MapAdminLoanEndpoints();
app.MapAdminCallbackEndpoints();
app.MapAdminEventEndpoints();
app.MapAdminPartnerEndpoints();
app.MapAdminChangeEndpoints();
app.MapAdminAuditEndpoints();
app.MapAdminBorrowerEndpoints();
app.MapAdminMasterKeyEndpoints();

app.Run();
