using DompetKilat.Api.Audit;
using DompetKilat.Api.Borrowers;
using DompetKilat.Api.Contract;
using DompetKilat.Api.Partners;
using DompetKilat.Api.Security;
using DompetKilat.Lending.Borrowers;
using DompetKilat.Lending.Loans;
using DompetKilat.Lending.Data;
using DompetKilat.Lending.Data.PersonalData;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace DompetKilat.Api.Loans;

public static class LoanEndpoints
{
    /// <summary>A loan application carries two photos (API-CONTRACT §6).</summary>
    public const long ApplicationBodyLimit = 8 * 1024 * 1024;

    public static IEndpointRouteBuilder MapLoanEndpoints(this IEndpointRouteBuilder app)
    {
        var loans = app.MapGroup("/v1/loan")
            .ValidatesRequests()
            .WithTags("Loan")
            .WithMetadata(new AllowedCallers(CallerGroup.Partners))
            .RequireRateLimiting(CallerRateLimits.PartnerPolicy)
            .Audited();

        loans.MapPost("/register", RegisterLoan)
            .WithName("RegisterLoan")
            .WithSummary("Apply for a loan, completing the borrower's profile (partner reference: Pengajuan Pinjaman)")
            .WithMetadata(new RequestSizeLimitAttribute(ApplicationBodyLimit));

        loans.MapGet("/{loanCode}", GetLoan)
            .WithName("GetLoan")
            .WithSummary("The loan as the middleware knows it: status, disbursement and repayment history");

        return app;
    }

    public static async Task<Results<Ok<ApiResponse<LoanEntity>>, JsonHttpResult<ApiResponse<ErrorData>>>> RegisterLoan(
        RegisterLoanRequest request, CallingPartner partner, [AsParameters] LoanServices services, CancellationToken cancellationToken)
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
        await using var transaction = await services.Db.Database.BeginTransactionAsync(cancellationToken);
        if (await services.Db.RefuseIfNoLongerAdmittedAsync(partner, now, cancellationToken) is { } refusal)
        {
            return refusal;
        }

        // The row is locked as the application reads it (it updates the row anyway): an erasure
        // under way is waited for, and then the erased borrower is no longer found by its NIK.
        var idNumberIndex = services.BlindIndex.IdNumber(request.IdNumber!);
        var found = await services.Db.Borrowers
            .FromSql($"SELECT * FROM borrowers WHERE id_number_index = {idNumberIndex} AND partner_id = {partner.Id} FOR NO KEY UPDATE")
            .Select(b => new { Borrower = b, HasDocuments = b.Documents != null })
            .SingleOrDefaultAsync(cancellationToken);
        if (found is not { Borrower: var borrower })
        {
            services.Audit.About(borrowerId: await BorrowerProfileQuery.FindIdOfAnyPartnerAsync(services.Db, idNumberIndex, cancellationToken));
            return ContractResults.NotFound($"borrower with idNumber {request.IdNumber}, is not found");
        }

        var documents = ReplaceDocuments(services.Db, borrower, found.HasDocuments, request);
        var loan = NewLoan(borrower, productId, request, now);
        await services.Db.Loans.AddAsync(loan, cancellationToken);
        borrower.ApplyFor(loan, ProfileFrom(request), now);
        services.Audit.SaveWith(services.Db, borrower, loan);
        try
        {
            await services.Db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: BorrowerDocumentsConfiguration.PrimaryKey })
        {
            // Another first application of this borrower stored its photos while this one was under
            // way; nothing of this one was saved, and its photos replace those as a later one's would.
            services.Db.Entry(documents).State = EntityState.Modified;
            await services.Db.SaveChangesAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return ContractResults.Success(LoanEntity.From(loan));
    }

    public static async Task<Results<Ok<ApiResponse<LoanDetails>>, JsonHttpResult<ApiResponse<ErrorData>>>> GetLoan(
        string loanCode, CallingPartner partner, LendingDbContext db, AuditRecord audit, CancellationToken cancellationToken)
    {
        var loan = await db.Loans.AsNoTracking()
            .SingleOrDefaultAsync(l => l.LoanCode == loanCode && loanCode != "" && l.Borrower!.PartnerId == partner.Id, cancellationToken);
        if (loan is null)
        {
            // Another partner's loan is answered exactly as an unknown code; the trail still shows who asked.
            var other = await db.Loans.Where(l => l.LoanCode == loanCode && loanCode != "")
                .Select(l => new { l.Id, l.BorrowerId }).SingleOrDefaultAsync(cancellationToken);
            audit.About(borrowerId: other?.BorrowerId, loanId: other?.Id);
            return ContractResults.NotFound($"loanCode {loanCode} record not found");
        }

        audit.About(borrowerId: loan.BorrowerId, loanId: loan.Id);
        return ContractResults.Success(LoanDetails.From(loan));
    }

    private static BorrowerProfileUpdate ProfileFrom(RegisterLoanRequest r) => new(
        new BorrowerPersonalDetails
        {
            Gender = r.Gender!, BirthPlace = r.BirthPlace!, Address = r.Address!, Village = r.Village!,
            Subdistrict = r.Subdistrict!, City = r.City!, Province = r.Province!, PostalCode = r.PostalCode!,
            MotherMaidenName = r.MotherMaidenName!, FamilyCard = r.FamilyCard!, Npwp = r.References!.Npwp!,
        },
        new BorrowerJob
        {
            OfficeName = r.OfficeName!, StartDate = DateOnly.ParseExact(r.StartDate!, FieldRules.ContractDateFormat),
            Job = r.Job!, JobType = r.JobType!, JobOnline = r.JobOnline!, WorkExperience = r.WorkExperience!,
        },
        new BorrowerIncome { IncomeRange = r.Income! },
        new BorrowerAsset { AssetRange = r.Asset!, HomeOwnership = r.HomeOwnership! },
        new BorrowerBank { BankName = r.BankName!, BankAccountNumber = r.BankAccountNumber! },
        new BorrowerEmergencyContact
        {
            Name = r.EmergencyContactName!, PhoneNumber = r.EmergencyContactNumber!, Relationship = r.EmergencyContactRelationship!,
        },
        new BorrowerMarital { MaritalStatus = r.MaritalStatus! },
        new BorrowerEducation { Education = r.Education! },
        new BorrowerReligion { Religion = r.Religion! });

    /// <summary>The application's photos replace the previous ones, which are overwritten unread.</summary>
    private static BorrowerDocuments ReplaceDocuments(LendingDbContext db, Borrower borrower, bool hasDocuments, RegisterLoanRequest r)
    {
        var documents = borrower.NewDocuments(r.FotoKtp!, r.FotoSelfie!);
        if (hasDocuments)
        {
            db.Update(documents);
        }
        else
        {
            db.Add(documents);
        }

        return documents;
    }

    private static Loan NewLoan(Borrower borrower, int productId, RegisterLoanRequest r, DateTime now)
    {
        var data = r.LoanData!;
        var references = r.References!;
        FieldRules.TryParseRupiah(r.Plafons!, out var plafons);
        FieldRules.TryParseRupiah(data.Amount!, out var amount);
        FieldRules.TryParseTenorUnit(data.Unit!, out var unit);
        return new Loan(borrower.Id, productId, plafons, amount, data.Tenor!.Value, unit, references.Interest!,
            new LoanReferences
            {
                BusinessAddress = references.BusinessAddress!, BusinessVillage = references.BusinessVillage!,
                BusinessSubdistrict = references.BusinessSubdistrict!, BusinessCity = references.BusinessCity!,
                BusinessProvince = references.BusinessProvince!, BusinessOwnership = references.BusinessOwnership!,
                JobPosition = references.JobPosition!,
            },
            now);
    }
}

public sealed class LoanServices(LendingDbContext db, AuditRecord audit, BlindIndex blindIndex, TimeProvider clock)
{
    public BlindIndex BlindIndex { get; } = blindIndex;

    public AuditRecord Audit { get; } = audit;

    public LendingDbContext Db { get; } = db;

    public TimeProvider Clock { get; } = clock;
}
