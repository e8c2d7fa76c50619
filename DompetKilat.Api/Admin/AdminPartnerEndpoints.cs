using DompetKilat.Api.Audit;
using DompetKilat.Api.Contract;
using DompetKilat.Api.Partners;
using DompetKilat.Lending.Notifications;
using DompetKilat.Lending.Partners;
using DompetKilat.Lending.Data;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace DompetKilat.Api.Admin;

/// <summary>The back office's partner registry (API-CONTRACT §8). Keys and secrets are shown once, when issued.</summary>
public static class AdminPartnerEndpoints
{
    public static IEndpointRouteBuilder MapAdminPartnerEndpoints(this IEndpointRouteBuilder app)
    {
        var partners = app.MapBackOfficeGroup("/v1/admin/partners")
            .AddEndpointFilter(RecordPartnerAsSubject)
            .ValidatesRequests();

        partners.MapPost("/", RegisterPartner)
            .WithName("RegisterPartner")
            .ChangesPartnerRegistry()
            .WithSummary("Register a partner; its apiKey and webhookSecret are in this answer only");

        partners.MapGet("/", ListPartners)
            .WithName("ListPartners")
            .WithSummary("Every partner in the registry, without keys or secrets");

        partners.MapGet("/{partnerCode}", GetPartner)
            .WithName("GetPartner")
            .WithSummary("One partner, without keys or secrets");

        partners.MapPut("/{partnerCode}", UpdatePartner)
            .WithName("UpdatePartner")
            .ChangesPartnerRegistry()
            .WithSummary("Replace a partner's name, allowList, productCodes, webhookUrl and keyless")
            .WithDescription("A webhookUrl set here receives the events of changes from now on; events recorded while the partner had " +
                "none stay undeliverable until redelivered. Without a webhookUrl, the partner's events waiting for delivery become undeliverable.");

        partners.MapPost("/{partnerCode}/keys", RotatePartnerKeys)
            .WithName("RotatePartnerKeys")
            .ChangesPartnerRegistry()
            .WithSummary("Issue a new apiKey (and webhookSecret); the previous ones work 24 hours more, or stop at once with revokePrevious");

        partners.MapPost("/{partnerCode}/disable", DisablePartner)
            .WithName("DisablePartner")
            .ChangesPartnerRegistry()
            .WithSummary("From now on the partner's calls are refused (05, HTTP 403); its data stays");

        return app;
    }

    /// <summary>Every call about a partner names it in the trail, a refused one too: the route's partner, or the one a registration asks for.</summary>
    private static ValueTask<object?> RecordPartnerAsSubject(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var subject = invocation.HttpContext.GetRouteValue("partnerCode") as string
            ?? invocation.Arguments.OfType<RegisterPartnerRequest>().FirstOrDefault()?.PartnerCode;
        invocation.HttpContext.RequestServices.GetRequiredService<AuditRecord>().About(subject: subject);
        return next(invocation);
    }

    public static async Task<Results<Ok<ApiResponse<PartnerView>>, JsonHttpResult<ApiResponse<ErrorData>>>> RegisterPartner(
        RegisterPartnerRequest request, [AsParameters] PartnerServices services, CancellationToken cancellationToken)
    {
        await using var transaction = await services.Db.Database.BeginTransactionAsync(cancellationToken);
        if (await RefuseTermsAsync(services.Db, request, exceptPartnerId: null, cancellationToken) is { } refusal)
        {
            return refusal;
        }

        var (partner, credentials) = Partner.Register(request.PartnerCode!, request.Name!, request.AllowList!, request.ProductCodes!,
            request.WebhookUrl, request.Keyless ?? false, services.Now);
        services.Db.Partners.Add(partner);
        services.Audit.SaveWith(services.Db, subject: partner.Code);
        try
        {
            await services.Db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: PartnerConfiguration.CodeIndex })
        {
            return ContractResults.AlreadyRegistered($"partnerCode {partner.Code} is already registered");
        }

        await transaction.CommitAsync(cancellationToken);
        return ContractResults.Success(PartnerView.From(partner) with { ApiKey = credentials.ApiKey, WebhookSecret = credentials.WebhookSecret });
    }

    public static async Task<Ok<ApiResponse<PartnerList>>> ListPartners(LendingDbContext db, CancellationToken cancellationToken)
    {
        var partners = await db.Partners.AsNoTracking().OrderBy(p => p.Code).ToListAsync(cancellationToken);
        return ContractResults.Success(new PartnerList([.. partners.Select(PartnerView.From)]));
    }

    public static async Task<Results<Ok<ApiResponse<PartnerView>>, JsonHttpResult<ApiResponse<ErrorData>>>> GetPartner(
        string partnerCode, LendingDbContext db, AuditRecord audit, CancellationToken cancellationToken)
    {
        var partner = await db.Partners.AsNoTracking().SingleOrDefaultAsync(p => p.Code == partnerCode, cancellationToken);
        return partner is null ? PartnerNotFound(partnerCode) : ContractResults.Success(PartnerView.From(partner));
    }

    public static async Task<Results<Ok<ApiResponse<PartnerView>>, JsonHttpResult<ApiResponse<ErrorData>>>> UpdatePartner(
        string partnerCode, UpdatePartnerRequest request, [AsParameters] PartnerServices services, CancellationToken cancellationToken)
    {
        await using var transaction = await services.Db.Database.BeginTransactionAsync(cancellationToken);
        var partner = await services.Db.Partners.SingleOrDefaultAsync(p => p.Code == partnerCode, cancellationToken);
        if (partner is null)
        {
            return PartnerNotFound(partnerCode);
        }

        if (await RefuseTermsAsync(services.Db, request, partner.Id, cancellationToken) is { } refusal)
        {
            return refusal;
        }

        partner.Update(request.Name!, request.AllowList!, request.ProductCodes!, request.WebhookUrl, request.Keyless ?? false, services.Now);
        services.Audit.SaveWith(services.Db, subject: partner.Code);
        await services.Db.SaveChangesAsync(cancellationToken);
        if (!partner.IsReachable)
        {
            // An attempt already in flight may still arrive; its outcome is not recorded.
            await PartnerEventOutbox.HoldForOperatorAsync(services.Db, partner.Id, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return ContractResults.Success(PartnerView.From(partner));
    }

    public static async Task<Results<Ok<ApiResponse<IssuedPartnerKeys>>, JsonHttpResult<ApiResponse<ErrorData>>>> RotatePartnerKeys(
        string partnerCode,
        [FromBody(EmptyBodyBehavior = EmptyBodyBehavior.Allow)] RotatePartnerKeysRequest? request,
        [AsParameters] PartnerServices services,
        CancellationToken cancellationToken)
    {
        var partner = await services.Db.Partners.Include(p => p.Keys).SingleOrDefaultAsync(p => p.Code == partnerCode, cancellationToken);
        if (partner is null)
        {
            return PartnerNotFound(partnerCode);
        }

        var now = services.Now;
        var revoke = request?.RevokePrevious ?? false;
        var issued = partner.Rotate(request?.WebhookSecret ?? false, revoke, now);
        services.Audit.SaveWith(services.Db, subject: partner.Code);
        await services.Db.SaveChangesAsync(cancellationToken);
        return ContractResults.Success(new IssuedPartnerKeys(partner.Code, issued.ApiKey, issued.WebhookSecret,
            revoke ? now : now + PartnerSecrets.RotationOverlap));
    }

    public static async Task<Results<Ok<ApiResponse<PartnerView>>, JsonHttpResult<ApiResponse<ErrorData>>>> DisablePartner(
        string partnerCode, [AsParameters] PartnerServices services, CancellationToken cancellationToken)
    {
        var partner = await services.Db.Partners.SingleOrDefaultAsync(p => p.Code == partnerCode, cancellationToken);
        if (partner is null)
        {
            return PartnerNotFound(partnerCode);
        }

        if (partner.Disable(services.Now))
        {
            services.Audit.SaveWith(services.Db, subject: partner.Code);
            await services.Db.SaveChangesAsync(cancellationToken);
        }

        return ContractResults.Success(PartnerView.From(partner));
    }

    private static JsonHttpResult<ApiResponse<ErrorData>> PartnerNotFound(string partnerCode) =>
        ContractResults.NotFound($"partnerCode {partnerCode} record not found");

    /// <summary>
    /// The rules that need the database: every product exists, and a keyless partner's ranges
    /// overlap no other active keyless partner's (a request without a key must name exactly one).
    /// Partner writes take a transaction-wide lock first, so two overlapping registrations cannot
    /// both pass this check.
    /// </summary>
    private static async Task<JsonHttpResult<ApiResponse<ErrorData>>?> RefuseTermsAsync(
        LendingDbContext db, IPartnerTerms terms, int? exceptPartnerId, CancellationToken cancellationToken)
    {
        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtext('partners'))", cancellationToken);

        var known = await db.Products.Where(p => p.IsActive && terms.ProductCodes!.Contains(p.Code)).Select(p => p.Code).ToListAsync(cancellationToken);
        if (terms.ProductCodes!.FirstOrDefault(code => !known.Contains(code)) is { } unknown)
        {
            return ContractResults.Invalid("productCodes", $"productCode {unknown} is not a configured product");
        }

        if (terms.Keyless != true)
        {
            return null;
        }

        var ranges = terms.AllowList!.Select(PartnerRules.ParseNetwork).ToList();
        var otherKeyless = await db.Partners.AsNoTracking()
            .Where(p => p.IsKeyless && p.DisabledAt == null && p.Id != exceptPartnerId)
            .Select(p => p.AllowList)
            .ToListAsync(cancellationToken);
        var overlapping = ranges.FirstOrDefault(range =>
            otherKeyless.SelectMany(list => list).Any(other => PartnerRules.Overlap(range, PartnerRules.ParseNetwork(other))));
        return overlapping == default
            ? null
            : ContractResults.Failure(ContractStatus.AlreadyRegistered, StatusCodes.Status409Conflict,
                $"allowList {overlapping} overlaps the range of another keyless partner",
                new ErrorData(new Dictionary<string, string[]> { ["allowList"] = [$"{overlapping} overlaps the range of another keyless partner"] }));
    }
}

public sealed class PartnerServices(
    LendingDbContext db,
    AuditRecord audit,
    TimeProvider clock)
{
    public LendingDbContext Db { get; } = db;

    public AuditRecord Audit { get; } = audit;

    public TimeProvider Clock { get; } = clock;

    public DateTime Now => Clock.GetUtcNow().UtcDateTime;
}
