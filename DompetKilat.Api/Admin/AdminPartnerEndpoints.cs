using DompetKilat.Api.Audit;
using DompetKilat.Api.Contract;
using DompetKilat.Api.Partners;
using DompetKilat.Lending.BackOffice;
using DompetKilat.Lending.Notifications;
using DompetKilat.Lending.Partners;
using DompetKilat.Lending.Data;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;

namespace DompetKilat.Api.Admin;

/// <summary>
/// The back office's partner registry (API-CONTRACT §8, §10). Every change but disabling is made by
/// one operator and applied when a second approves it (<see cref="AdminChangeEndpoints"/>); keys and
/// secrets are shown once, in that approval's answer.
/// </summary>
public static class AdminPartnerEndpoints
{
    public static IEndpointRouteBuilder MapAdminPartnerEndpoints(this IEndpointRouteBuilder app)
    {
        var partners = app.MapBackOfficeGroup("/v1/admin/partners")
            .AddEndpointFilter(RecordPartnerAsSubject)
            .ValidatesRequests();

        partners.MapPost("/", RegisterPartner)
            .WithName("RegisterPartner")
            .AllowedTo(OperatorRoles.PartnerManager)
            .WithSummary("Propose a partner; once a second operator approves, that answer carries its apiKey and webhookSecret, shown once");

        partners.MapGet("/", ListPartners)
            .WithName("ListPartners")
            .ReadableBy(OperatorRoles.PartnerManager, OperatorRoles.Operations)
            .WithSummary("Every partner in the registry, without keys or secrets");

        partners.MapGet("/{partnerCode}", GetPartner)
            .WithName("GetPartner")
            .ReadableBy(OperatorRoles.PartnerManager)
            .WithSummary("One partner, without keys or secrets");

        partners.MapPut("/{partnerCode}", UpdatePartner)
            .WithName("UpdatePartner")
            .AllowedTo(OperatorRoles.PartnerManager)
            .WithSummary("Propose new terms for a partner: name, allowList, productCodes, webhookUrl and keyless; in force once a second operator approves")
            .WithDescription("A webhookUrl set here receives the events of changes from its approval on; events recorded while the partner had " +
                "none stay undeliverable until redelivered. Without a webhookUrl, the partner's events waiting for delivery become undeliverable.");

        partners.MapPost("/{partnerCode}/keys", RotatePartnerKeys)
            .WithName("RotatePartnerKeys")
            .AllowedTo(OperatorRoles.PartnerManager)
            .WithSummary("Propose a new apiKey (and webhookSecret), issued when a second operator approves; the previous ones work 24 hours more, or stop at once with revokePrevious");

        partners.MapPost("/{partnerCode}/disable", DisablePartner)
            .WithName("DisablePartner")
            .AllowedTo(OperatorRoles.PartnerManager)
            .ChangesPartnerRegistry()
            .WithSummary("From now on the partner's calls are refused (05, HTTP 403); its data stays. One operator's act: an emergency stop does not wait");

        partners.MapPost("/{partnerCode}/enable", EnablePartner)
            .WithName("EnablePartner")
            .AllowedTo(OperatorRoles.PartnerManager)
            .WithSummary("Propose serving a disabled partner again, with its keys and terms; in force once a second operator approves");

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

    public static async Task<Results<Accepted<ApiResponse<ChangeView>>, JsonHttpResult<ApiResponse<ErrorData>>>> RegisterPartner(
        RegisterPartnerRequest request, [AsParameters] PartnerServices services, CancellationToken cancellationToken)
    {
        await using var transaction = await services.Db.Database.BeginTransactionAsync(cancellationToken);
        if (await RefuseRegistrationAsync(services.Db, request, cancellationToken) is { } refusal)
        {
            return refusal;
        }

        return await services.ProposeAsync(ChangeKind.RegisterPartner, request.PartnerCode!, request, transaction, cancellationToken);
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

    public static async Task<Results<Accepted<ApiResponse<ChangeView>>, JsonHttpResult<ApiResponse<ErrorData>>>> UpdatePartner(
        string partnerCode, UpdatePartnerRequest request, [AsParameters] PartnerServices services, CancellationToken cancellationToken)
    {
        await using var transaction = await services.Db.Database.BeginTransactionAsync(cancellationToken);
        var partner = await services.Db.Partners.AsNoTracking().SingleOrDefaultAsync(p => p.Code == partnerCode, cancellationToken);
        if (partner is null)
        {
            return PartnerNotFound(partnerCode);
        }

        if (await RefuseTermsAsync(services.Db, request, partner.Id, cancellationToken) is { } refusal)
        {
            return refusal;
        }

        return await services.ProposeAsync(ChangeKind.UpdatePartner, partner.Code, request, transaction, cancellationToken);
    }

    public static async Task<Results<Accepted<ApiResponse<ChangeView>>, JsonHttpResult<ApiResponse<ErrorData>>>> RotatePartnerKeys(
        string partnerCode,
        [FromBody(EmptyBodyBehavior = EmptyBodyBehavior.Allow)] RotatePartnerKeysRequest? request,
        [AsParameters] PartnerServices services,
        CancellationToken cancellationToken)
    {
        await using var transaction = await services.Db.Database.BeginTransactionAsync(cancellationToken);
        if (!await services.Db.Partners.AnyAsync(p => p.Code == partnerCode, cancellationToken))
        {
            return PartnerNotFound(partnerCode);
        }

        return await services.ProposeAsync(ChangeKind.RotatePartnerKeys, partnerCode,
            request ?? new RotatePartnerKeysRequest(), transaction, cancellationToken);
    }

    public static async Task<Results<Ok<ApiResponse<PartnerView>>, JsonHttpResult<ApiResponse<ErrorData>>>> DisablePartner(
        string partnerCode, [AsParameters] PartnerServices services, CancellationToken cancellationToken)
    {
        await using var transaction = await services.Db.Database.BeginTransactionAsync(cancellationToken);
        var partner = await services.Db.Partners.SingleOrDefaultAsync(p => p.Code == partnerCode, cancellationToken);
        if (partner is null)
        {
            return PartnerNotFound(partnerCode);
        }

        // Answered once every write admitted before it has committed; none admitted after it commits.
        await PartnerWriteLock.TakeForChangeAsync(services.Db, partner.Id, cancellationToken);
        if (partner.Disable(services.Now))
        {
            services.Audit.SaveWith(services.Db, subject: partner.Code);
            await services.Db.SaveChangesAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);

        return ContractResults.Success(PartnerView.From(partner));
    }

    public static async Task<Results<Accepted<ApiResponse<ChangeView>>, JsonHttpResult<ApiResponse<ErrorData>>>> EnablePartner(
        string partnerCode, [AsParameters] PartnerServices services, CancellationToken cancellationToken)
    {
        await using var transaction = await services.Db.Database.BeginTransactionAsync(cancellationToken);
        var partner = await services.Db.Partners.AsNoTracking().SingleOrDefaultAsync(p => p.Code == partnerCode, cancellationToken);
        if (partner is null)
        {
            return PartnerNotFound(partnerCode);
        }

        if (await RefuseEnablingAsync(services.Db, partner, cancellationToken) is { } refusal)
        {
            return refusal;
        }

        return await services.ProposeAsync(ChangeKind.EnablePartner, partner.Code, new { }, transaction, cancellationToken);
    }

    /// <summary>
    /// Applies an approved change of the registry, checked again as it stands now: the partner may
    /// have changed, or another partner taken its code or range, since the change was made.
    /// </summary>
    internal static async Task<Results<Ok<ApiResponse<ApprovedChange>>, JsonHttpResult<ApiResponse<ErrorData>>>> ApplyAsync(
        Change change, PartnerServices services, CancellationToken cancellationToken)
    {
        var db = services.Db;
        var now = services.Now;
        var view = ChangeView.From(change, now);
        switch (change.Kind)
        {
            case ChangeKind.RegisterPartner:
            {
                var request = ChangeView.RequestOf<RegisterPartnerRequest>(change);
                if ((await services.RefuseAsync(request, cancellationToken) ?? await RefuseRegistrationAsync(db, request, cancellationToken)) is { } refusal)
                {
                    return refusal;
                }

                var (partner, credentials) = Partner.Register(request.PartnerCode!, request.Name!, request.AllowList!, request.ProductCodes!,
                    request.WebhookUrl, request.Keyless ?? false, now);
                db.Partners.Add(partner);
                await db.SaveChangesAsync(cancellationToken);
                return ContractResults.Success(new ApprovedChange(view,
                    PartnerView.From(partner) with { ApiKey = credentials.ApiKey, WebhookSecret = credentials.WebhookSecret }, null));
            }

            case ChangeKind.UpdatePartner:
            {
                var request = ChangeView.RequestOf<UpdatePartnerRequest>(change);
                var partner = await db.Partners.SingleOrDefaultAsync(p => p.Code == change.PartnerCode, cancellationToken);
                if (partner is null)
                {
                    return PartnerNotFound(change.PartnerCode);
                }

                await PartnerWriteLock.TakeForChangeAsync(db, partner.Id, cancellationToken);

                if ((await services.RefuseAsync(request, cancellationToken) ?? await RefuseTermsAsync(db, request, partner.Id, cancellationToken)) is { } refusal)
                {
                    return refusal;
                }

                partner.Update(request.Name!, request.AllowList!, request.ProductCodes!, request.WebhookUrl, request.Keyless ?? false, now);
                await db.SaveChangesAsync(cancellationToken);
                if (!partner.IsReachable)
                {
                    // An attempt already in flight may still arrive; its outcome is not recorded.
                    await PartnerEventOutbox.HoldForOperatorAsync(db, partner.Id, cancellationToken);
                }

                return ContractResults.Success(new ApprovedChange(view, PartnerView.From(partner), null));
            }

            case ChangeKind.RotatePartnerKeys:
            {
                var request = ChangeView.RequestOf<RotatePartnerKeysRequest>(change);
                var partner = await db.Partners.Include(p => p.Keys).SingleOrDefaultAsync(p => p.Code == change.PartnerCode, cancellationToken);
                if (partner is null)
                {
                    return PartnerNotFound(change.PartnerCode);
                }

                await PartnerWriteLock.TakeForChangeAsync(db, partner.Id, cancellationToken);

                var revoke = request.RevokePrevious ?? false;
                var issued = partner.Rotate(request.WebhookSecret ?? false, revoke, now);
                await db.SaveChangesAsync(cancellationToken);
                return ContractResults.Success(new ApprovedChange(view, null, new IssuedPartnerKeys(partner.Code, issued.ApiKey,
                    revoke ? now : now + PartnerSecrets.RotationOverlap) { WebhookSecret = issued.WebhookSecret }));
            }

            case ChangeKind.EnablePartner:
            {
                var partner = await db.Partners.SingleOrDefaultAsync(p => p.Code == change.PartnerCode, cancellationToken);
                if (partner is null)
                {
                    return PartnerNotFound(change.PartnerCode);
                }

                await PartnerWriteLock.TakeForChangeAsync(db, partner.Id, cancellationToken);

                if (await RefuseEnablingAsync(db, partner, cancellationToken) is { } refusal)
                {
                    return refusal;
                }

                partner.Enable(now);
                await db.SaveChangesAsync(cancellationToken);
                return ContractResults.Success(new ApprovedChange(view, PartnerView.From(partner), null));
            }

            default:
                throw new InvalidOperationException($"No way to apply a change of kind {change.Kind}.");
        }
    }

    /// <summary>A registration's terms, and a code no partner holds yet.</summary>
    private static async Task<JsonHttpResult<ApiResponse<ErrorData>>?> RefuseRegistrationAsync(
        LendingDbContext db, RegisterPartnerRequest request, CancellationToken cancellationToken) =>
        await RefuseTermsAsync(db, request, exceptPartnerId: null, cancellationToken)
        ?? (await db.Partners.AnyAsync(p => p.Code == request.PartnerCode, cancellationToken)
            ? ContractResults.AlreadyRegistered($"partnerCode {request.PartnerCode} is already registered")
            : null);

    /// <summary>A partner that is disabled, and whose keyless range, if any, no active keyless partner took meanwhile.</summary>
    private static async Task<JsonHttpResult<ApiResponse<ErrorData>>?> RefuseEnablingAsync(
        LendingDbContext db, Partner partner, CancellationToken cancellationToken) =>
        !partner.IsDisabled
            ? ContractResults.StepNotAllowed($"partner {partner.Code} is ACTIVE and cannot be enabled")
            : await RefuseTermsAsync(db,
                new UpdatePartnerRequest(partner.Name, [.. partner.AllowList], [.. partner.ProductCodes], partner.WebhookUrl, partner.IsKeyless),
                partner.Id, cancellationToken);

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
    TimeProvider clock,
    HttpContext http,
    IOptions<BackOfficeOptions> options)
{
    public LendingDbContext Db { get; } = db;

    public AuditRecord Audit { get; } = audit;

    public TimeProvider Clock { get; } = clock;

    public HttpContext Http { get; } = http;

    public IOptions<BackOfficeOptions> Options { get; } = options;

    public DateTime Now => Clock.GetUtcNow().UtcDateTime;

    public Operator Operator => Http.User.AsOperator() ?? throw new InvalidOperationException("A back-office route ran without an operator.");

    public IEnumerable<string> Roles => OperatorRoles.All.Where(Http.User.IsInRole);

    /// <summary>Records the change, awaiting a second operator of the same role, and answers 202 with its id.</summary>
    internal async Task<Results<Accepted<ApiResponse<ChangeView>>, JsonHttpResult<ApiResponse<ErrorData>>>> ProposeAsync<TRequest>(
        ChangeKind kind, string partnerCode, TRequest request, IDbContextTransaction transaction, CancellationToken cancellationToken)
    {
        var change = Change.Make(kind, OperatorRoles.PartnerManager, partnerCode, ChangeView.Serialize(request), Operator, Now,
            Options.Value.ChangeLifetime);
        Db.Changes.Add(change);
        Audit.SaveWith(Db, subject: partnerCode, changeId: change.Id);
        await Db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Accepted($"/v1/admin/changes/{change.Id}", new ApiResponse<ChangeView>(
            ContractStatus.Success, "change awaits approval by a second operator", ChangeView.From(change, Now)));
    }

    /// <summary>The request's own rules, checked again when a change made earlier is approved.</summary>
    internal async Task<JsonHttpResult<ApiResponse<ErrorData>>?> RefuseAsync<TRequest>(TRequest request, CancellationToken cancellationToken)
    {
        var result = await Http.RequestServices.GetRequiredService<IValidator<TRequest>>().ValidateAsync(request, cancellationToken);
        return result.IsValid ? null : ContractResults.Invalid(result.ToDictionary().AsReadOnly());
    }
}
