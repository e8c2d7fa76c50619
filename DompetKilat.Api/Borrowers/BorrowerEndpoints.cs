using DompetKilat.Api.Audit;
using DompetKilat.Api.Contract;
using DompetKilat.Api.Partners;
using DompetKilat.Api.Security;
using DompetKilat.Lending;
using DompetKilat.Lending.Borrowers;
using DompetKilat.Lending.Data;
using DompetKilat.Lending.Data.PersonalData;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace DompetKilat.Api.Borrowers;

public static class BorrowerEndpoints
{
    public const long RegistrationBodyLimit = 64 * 1024;

    public static IEndpointRouteBuilder MapBorrowerEndpoints(this IEndpointRouteBuilder app)
    {
        var borrowers = app.MapGroup("/v1/borrower")
            .ValidatesRequests()
            .WithTags("Borrower")
            .WithMetadata(new AllowedCallers(CallerGroup.Partners))
            .RequireRateLimiting(CallerRateLimits.PartnerPolicy)
            .Audited();

        borrowers.MapPost("/register", RegisterBorrower)
            .WithName("RegisterBorrower")
            .WithSummary("Register a borrower (partner reference: Register Borrower)")
            .WithMetadata(new RequestSizeLimitAttribute(RegistrationBodyLimit));

        borrowers.MapGet("/{idNumber}", GetBorrower)
            .WithName("GetBorrower")
            .WithSummary("The borrower's full profile with the latest loan (partner reference: Get Data Borrower)");

        return app;
    }

    public static async Task<Results<Ok<ApiResponse<RegisteredBorrower>>, JsonHttpResult<ApiResponse<ErrorData>>>> RegisterBorrower(
        RegisterBorrowerRequest request, CallingPartner partner, [AsParameters] BorrowerServices services, CancellationToken cancellationToken)
    {
        if (!partner.MayApplyFor(request.ProductCode!))
        {
            return ContractResults.Invalid("productCode", $"productCode {request.ProductCode} is not one of this partner's products");
        }

        if (partner.ActiveProductId(request.ProductCode!) is not { } productId)
        {
            return ContractResults.Invalid("productCode", $"productCode {request.ProductCode} is not a configured product");
        }

        var now = services.Clock.GetUtcNow().UtcDateTime;
        var borrower = new Borrower(
            await services.Registration.NewIdAsync(cancellationToken), partner.Id, productId, request.IdNumber!, request.PhoneNumber!,
            request.Email!, request.FullName!, DateOnly.ParseExact(request.BirthDate!, FieldRules.ContractDateFormat), now);
        WriteAdmission admission;
        try
        {
            admission = await services.Registration.StoreAsync(borrower, partner.KeyId, services.Audit.ForChange(borrowerId: borrower.Id), cancellationToken);
        }
        catch (PostgresException unique) when (unique.SqlState == PostgresErrorCodes.UniqueViolation
                                               && DuplicateBorrowerField.FromConstraint(unique.ConstraintName) is { } field)
        {
            var value = field switch { "idNumber" => borrower.IdNumber, "phoneNumber" => borrower.PhoneNumber, _ => borrower.Email };
            return ContractResults.AlreadyRegistered($"{field} {value} is already registered");
        }

        if (PartnerAdmission.Refusal(admission, partner) is { } refusal)
        {
            return refusal;
        }

        BorrowerLog.Registered(services.Logger, borrower.Id, request.ProductCode!, borrower.IdNumber);
        return ContractResults.Success(RegisteredBorrower.From(borrower));
    }

    public static async Task<Results<Ok<ApiResponse<BorrowerProfile>>, JsonHttpResult<ApiResponse<ErrorData>>>> GetBorrower(
        string idNumber, CallingPartner partner, [AsParameters] BorrowerServices services, CancellationToken cancellationToken)
    {
        var idNumberIndex = services.BlindIndex.IdNumber(idNumber);
        var profile = await BorrowerProfiles.FindAsync(services.Db, services.MasterKeys, idNumberIndex, partner.Id, cancellationToken);
        if (profile is null)
        {
            // Another partner's borrower is answered exactly as an unknown NIK; the trail still shows who asked.
            services.Audit.About(borrowerId: await BorrowerProfileQuery.FindIdOfAnyPartnerAsync(services.Db, idNumberIndex, cancellationToken));
            // The partner reference's own wording, NIK included: the caller sent it.
            return ContractResults.NotFound($"IdNumber {idNumber} record not found");
        }

        services.Audit.About(borrowerId: profile.Id);
        return ContractResults.Success(BorrowerProfile.From(profile));
    }
}

public sealed class BorrowerServices(
    LendingDbContext db, BorrowerRegistration registration, AuditRecord audit, BlindIndex blindIndex, MasterKeys masterKeys, TimeProvider clock,
    ILogger<BorrowerServices> logger)
{
    public MasterKeys MasterKeys { get; } = masterKeys;

    public BorrowerRegistration Registration { get; } = registration;

    public BlindIndex BlindIndex { get; } = blindIndex;

    public AuditRecord Audit { get; } = audit;

    public ILogger<BorrowerServices> Logger { get; } = logger;

    public LendingDbContext Db { get; } = db;

    public TimeProvider Clock { get; } = clock;
}

internal static partial class BorrowerLog
{
    /// <summary>The NIK is classified personal data: the log keeps the event, redaction erases the value.</summary>
    [LoggerMessage(LogLevel.Information, "Borrower {BorrowerId} registered for product {ProductCode} with NIK {IdNumber}")]
    public static partial void Registered(ILogger logger, long borrowerId, string productCode, [PersonalData] string idNumber);
}
