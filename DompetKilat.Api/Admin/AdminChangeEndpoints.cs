using System.Text.Json;
using System.Text.Json.Serialization;
using DompetKilat.Api.Audit;
using DompetKilat.Api.Contract;
using DompetKilat.Api.Partners;
using DompetKilat.Lending.BackOffice;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace DompetKilat.Api.Admin;

/// <summary>
/// Four eyes (API-CONTRACT §10): the changes one operator made, waiting for a second operator of
/// the same role to approve or reject them. An approval applies the change and is answered once
/// every Api replica enforces it, like the direct call it stands for.
/// </summary>
public static class AdminChangeEndpoints
{
    public const int MaxPageSize = 200;

    public static IEndpointRouteBuilder MapAdminChangeEndpoints(this IEndpointRouteBuilder app)
    {
        var changes = app.MapBackOfficeGroup("/v1/admin/changes");

        changes.MapGet("/", ListChanges)
            .WithName("ListChanges")
            .ReadableBy(OperatorRoles.PartnerManager)
            .WithSummary("Changes awaiting a second operator, oldest first; state=approved, rejected or expired lists those, newest first");

        changes.MapGet("/{changeId:guid}", GetChange)
            .WithName("GetChange")
            .ReadableBy(OperatorRoles.PartnerManager)
            .WithSummary("One change and where it stands");

        changes.MapPost("/{changeId:guid}/approve", ApproveChange)
            .WithName("ApproveChange")
            .AllowedTo(OperatorRoles.PartnerManager)
            .ChangesPartnerRegistry()
            .WithSummary("Apply a pending change: another operator than its maker, holding its role; the answer carries what the change issued (a new apiKey and webhookSecret, shown once)")
            .WithDescription("The change is checked again as things stand now (01, 02, 04 as for the call that made it). 404 for an unknown id; " +
                "04 once it is approved, rejected or expired, so approving twice changes nothing; 05 (HTTP 403) for its maker.");

        changes.MapPost("/{changeId:guid}/reject", RejectChange)
            .WithName("RejectChange")
            .AllowedTo(OperatorRoles.PartnerManager)
            .WithSummary("Reject a pending change, which then never takes effect; its maker may, withdrawing it");

        return app;
    }

    public static async Task<Results<Ok<ApiResponse<ChangeList>>, JsonHttpResult<ApiResponse<ErrorData>>>> ListChanges(
        [AsParameters] PartnerServices services, CancellationToken cancellationToken, string? state = null, int limit = 100)
    {
        var wanted = ChangeState.Pending;
        if (state is not null && (!Enum.TryParse(state, ignoreCase: true, out wanted) || !state.All(char.IsAsciiLetter)))
        {
            return ContractResults.Invalid("state", "state must be one of pending, approved, rejected, expired");
        }

        var now = services.Now;
        var query = services.Db.Changes.AsNoTracking();
        query = wanted switch
        {
            ChangeState.Pending => query.Where(c => c.State == ChangeState.Pending && c.ExpiresAt > now).OrderBy(c => c.MadeAt),
            ChangeState.Expired => query.Where(c => c.State == ChangeState.Expired || (c.State == ChangeState.Pending && c.ExpiresAt <= now))
                .OrderByDescending(c => c.MadeAt),
            _ => query.Where(c => c.State == wanted).OrderByDescending(c => c.MadeAt),
        };
        var changes = await query.Take(Math.Clamp(limit, 1, MaxPageSize)).ToListAsync(cancellationToken);
        return ContractResults.Success(new ChangeList([.. changes.Select(c => ChangeView.From(c, now))]));
    }

    public static async Task<Results<Ok<ApiResponse<ChangeView>>, JsonHttpResult<ApiResponse<ErrorData>>>> GetChange(
        Guid changeId, [AsParameters] PartnerServices services, CancellationToken cancellationToken)
    {
        var change = await services.Db.Changes.AsNoTracking().SingleOrDefaultAsync(c => c.Id == changeId, cancellationToken);
        return change is null ? ChangeNotFound(changeId) : ContractResults.Success(ChangeView.From(change, services.Now));
    }

    public static async Task<Results<Ok<ApiResponse<ApprovedChange>>, JsonHttpResult<ApiResponse<ErrorData>>>> ApproveChange(
        Guid changeId, [AsParameters] PartnerServices services, CancellationToken cancellationToken)
    {
        await using var transaction = await services.Db.Database.BeginTransactionAsync(cancellationToken);
        // Locked, so of two operators approving at once the second finds it decided.
        var change = await LockAsync(services, changeId, cancellationToken);
        if (change is null)
        {
            return ChangeNotFound(changeId);
        }

        services.Audit.About(subject: change.PartnerCode, changeId: change.Id);
        var decision = change.Approve(services.Operator, services.Roles, services.Now);
        if (decision != ChangeDecision.Taken)
        {
            return await RefuseDecisionAsync(services, change, decision, "approve", transaction, cancellationToken);
        }

        services.Audit.SaveWith(services.Db, subject: change.PartnerCode, changeId: change.Id);
        var applied = await AdminPartnerEndpoints.ApplyAsync(change, services, cancellationToken);
        if (ContractOutcome.Of(applied) == ContractStatus.Success)
        {
            await transaction.CommitAsync(cancellationToken);
        }

        return applied;
    }

    public static async Task<Results<Ok<ApiResponse<ChangeView>>, JsonHttpResult<ApiResponse<ErrorData>>>> RejectChange(
        Guid changeId, [AsParameters] PartnerServices services, CancellationToken cancellationToken)
    {
        await using var transaction = await services.Db.Database.BeginTransactionAsync(cancellationToken);
        var change = await LockAsync(services, changeId, cancellationToken);
        if (change is null)
        {
            return ChangeNotFound(changeId);
        }

        services.Audit.About(subject: change.PartnerCode, changeId: change.Id);
        var decision = change.Reject(services.Operator, services.Roles, services.Now);
        if (decision != ChangeDecision.Taken)
        {
            return await RefuseDecisionAsync(services, change, decision, "reject", transaction, cancellationToken);
        }

        services.Audit.SaveWith(services.Db, subject: change.PartnerCode, changeId: change.Id);
        await services.Db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return ContractResults.Success(ChangeView.From(change, services.Now));
    }

    private static Task<Change?> LockAsync(PartnerServices services, Guid changeId, CancellationToken cancellationToken) =>
        services.Db.Changes.FromSql($"SELECT * FROM changes WHERE id = {changeId} FOR UPDATE").SingleOrDefaultAsync(cancellationToken);

    private static async Task<JsonHttpResult<ApiResponse<ErrorData>>> RefuseDecisionAsync(
        PartnerServices services, Change change, ChangeDecision decision, string step,
        IDbContextTransaction transaction, CancellationToken cancellationToken)
    {
        if (decision == ChangeDecision.Expired)
        {
            // Its expiry is stored, so lists and the trail agree with what the operator was told.
            await services.Db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        return decision switch
        {
            ChangeDecision.Expired => ContractResults.StepNotAllowed(
                $"change {change.Id} expired at {change.ExpiresAt:O} and cannot be decided; make it again"),
            ChangeDecision.AlreadyDecided => ContractResults.StepNotAllowed(
                $"change {change.Id} is {ChangeView.Name(change.State).ToUpperInvariant()} and cannot be decided again"),
            ChangeDecision.ByItsMaker => ContractResults.Failure(ContractStatus.NotAllowed, StatusCodes.Status403Forbidden,
                $"change {change.Id} was made by this operator; another must {step} it"),
            _ => ContractResults.Failure(ContractStatus.NotAllowed, StatusCodes.Status403Forbidden,
                $"change {change.Id} needs an operator with the role {change.Role}"),
        };
    }

    private static JsonHttpResult<ApiResponse<ErrorData>> ChangeNotFound(Guid changeId) =>
        ContractResults.NotFound($"change {changeId} record not found");
}

/// <summary>A change as operators see it; <c>request</c> is what its maker asked for, never a secret.</summary>
public sealed record ChangeView(
    Guid ChangeId,
    string Kind,
    string PartnerCode,
    string Role,
    string State,
    JsonElement Request,
    string MadeBy,
    string MadeByName,
    DateTime MadeAt,
    DateTime ExpiresAt,
    string? DecidedBy,
    string? DecidedByName,
    DateTime? DecidedAt)
{
    private static readonly JsonSerializerOptions Json = JsonSerializerOptions.Web;

    public static ChangeView From(Change change, DateTime now) => new(
        change.Id, KindName(change.Kind), change.PartnerCode, change.Role, Name(change.StateAt(now)),
        JsonSerializer.Deserialize<JsonElement>(change.Request, Json), change.MakerSubject, change.MakerName, change.MadeAt,
        change.ExpiresAt, change.CheckerSubject, change.CheckerName, change.DecidedAt);

    public static string Name(ChangeState state) => state.ToString().ToLowerInvariant();

    internal static string Serialize<TRequest>(TRequest request) => JsonSerializer.Serialize(request, Json);

    internal static TRequest RequestOf<TRequest>(Change change) =>
        JsonSerializer.Deserialize<TRequest>(change.Request, Json) ?? throw new InvalidOperationException($"Change {change.Id} holds no request.");

    /// <summary>register-partner, update-partner, rotate-partner-keys, enable-partner.</summary>
    private static string KindName(ChangeKind kind) => JsonNamingPolicy.KebabCaseLower.ConvertName(kind.ToString());
}

public sealed record ChangeList(IReadOnlyList<ChangeView> Changes);

/// <summary>An approved change and what it issued: the partner it registered or changed, or the keys it minted (shown once).</summary>
public sealed record ApprovedChange(
    ChangeView Change,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] PartnerView? Partner,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IssuedPartnerKeys? Keys);
