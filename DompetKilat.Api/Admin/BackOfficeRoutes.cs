using DompetKilat.Api.Audit;
using DompetKilat.Api.Contract;
using DompetKilat.Api.Security;
using Microsoft.AspNetCore.Mvc;

namespace DompetKilat.Api.Admin;

/// <summary>What every back-office route has in common, so no group can forget one of them.</summary>
internal static class BackOfficeRoutes
{
    /// <summary>A signed-in operator; each route adds the roles it admits (<see cref="OperatorRoles.AllowedTo"/>).</summary>
    public const string Policy = "BackOffice";

    /// <summary>
    /// A group of back-office routes: a signed-in operator (checked before the body is read), the
    /// back office's budget, the admin body limit (API-CONTRACT §6), and every call audited.
    /// </summary>
    public static RouteGroupBuilder MapBackOfficeGroup(this IEndpointRouteBuilder app, string prefix) =>
        app.MapGroup(prefix)
            .WithTags("Back office")
            .WithGroupName(ContractOpenApi.BackOfficeDocument)
            .RequireAuthorization(Policy)
            .RequireRateLimiting(CallerRateLimits.PartnerPolicy)
            .WithMetadata(new RequestSizeLimitAttribute(AdminLoanEndpoints.AdminBodyLimit))
            .Audited();
}
