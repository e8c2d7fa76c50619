using System.Security.Claims;
using DompetKilat.Lending.BackOffice;

namespace DompetKilat.Api.Admin;

/// <summary>
/// The back office's roles (API-CONTRACT §10), least privilege: each route names the roles that
/// may call it, and the OpenAPI document shows them.
/// </summary>
public static class OperatorRoles
{
    /// <summary>The partner registry and its keys.</summary>
    public const string PartnerManager = "partner-manager";

    /// <summary>Approving and rejecting loans.</summary>
    public const string LoanOfficer = "loan-officer";

    /// <summary>Requeueing callbacks, redelivering notifications, erasing on a person's request.</summary>
    public const string Operations = "operations";

    /// <summary>The audit trail and a person's data export; may read every back-office route.</summary>
    public const string Auditor = "auditor";

    public static readonly string[] All = [PartnerManager, LoanOfficer, Operations, Auditor];

    /// <summary>The route may be called by an operator holding one of <paramref name="roles"/>.</summary>
    public static TBuilder AllowedTo<TBuilder>(this TBuilder builder, params string[] roles) where TBuilder : IEndpointConventionBuilder =>
        builder
            .WithMetadata(new RolesOfRoute(roles))
            .RequireAuthorization(policy => policy
                .AddAuthenticationSchemes(OperatorAuthentication.Scheme)
                .RequireAuthenticatedUser()
                .RequireRole(roles));

    /// <summary>A read the owning roles make, and the auditor too.</summary>
    public static TBuilder ReadableBy<TBuilder>(this TBuilder builder, params string[] roles) where TBuilder : IEndpointConventionBuilder =>
        builder.AllowedTo([.. roles, Auditor]);
}

/// <summary>Endpoint metadata: the roles a back-office route admits.</summary>
public sealed record RolesOfRoute(IReadOnlyList<string> Roles);

/// <summary>The operator a request signed in as, from its token's <c>sub</c> and <c>name</c>.</summary>
public static class SignedInOperator
{
    public static Operator? AsOperator(this ClaimsPrincipal user) =>
        user.Identity is ClaimsIdentity { IsAuthenticated: true } identity
        && identity.FindFirst(OperatorAuthentication.SubjectClaim)?.Value is { Length: > 0 } subject
            ? new Operator(subject, identity.FindFirst(OperatorAuthentication.NameClaim)?.Value ?? subject)
            : null;
}
