using DompetKilat.Lending.Borrowers;
using DompetKilat.Lending.Loans;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace DompetKilat.Lending.Data.PersonalData;

/// <summary>
/// The partners' hot read as one plain statement read straight into the profile, without EF's
/// query pipeline, its materializer or an entity: the borrower's row, its product's code, its
/// photos and its latest loan, joined by key. The latest loan is the one the borrower names, so it
/// is joined by its key; picking it among the borrower's loans was measured slower.
/// </summary>
public static class BorrowerProfiles
{
    private const string Profile = """
        SELECT b.id, b.created_at, b.borrower_type, p.code, b.data_key, b.data_key_id, b.personal_data,
               b.job_office_name, b.job_start_date, b.job_job, b.job_job_type, b.job_job_online, b.job_work_experience,
               b.income_income_range, b.asset_asset_range, b.asset_home_ownership,
               b.marital_marital_status, b.education_education, b.religion_religion,
               d.data_key, d.data_key_id, d.foto_ktp, d.foto_selfie,
               l.plafons, l.tenor, l.tenor_unit, l.amount, l.contract_no, l.contract_date, l.interest,
               r.business_address, r.business_village, r.business_subdistrict, r.business_city, r.business_province,
               r.business_ownership, r.job_position
        FROM borrowers b
        JOIN products p ON p.id = b.product_id
        LEFT JOIN borrower_documents d ON d.id = b.id
        LEFT JOIN loans l ON l.id = b.latest_loan_id
        LEFT JOIN loan_references r ON r.id = l.id
        WHERE b.id_number_index = $1 AND b.partner_id = $2
        """;

    /// <summary>
    /// The profile of the partner's own borrower with this NIK (its blind index); another partner's
    /// borrower, and an erased one, is not found.
    /// </summary>
    public static async Task<BorrowerProfileRecord?> FindAsync(
        LendingDbContext db, MasterKeys masterKeys, byte[] idNumberIndex, int partnerId, CancellationToken cancellationToken)
    {
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var query = new NpgsqlCommand(Profile, (NpgsqlConnection)db.Database.GetDbConnection())
            {
                Parameters = { new() { Value = idNumberIndex }, new() { Value = partnerId } },
            };
            await using var row = await query.ExecuteReaderAsync(cancellationToken);
            return await row.ReadAsync(cancellationToken) ? Read(row, masterKeys) : null;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static BorrowerProfileRecord Read(NpgsqlDataReader row, MasterKeys masterKeys)
    {
        var id = row.GetInt64(0);
        var borrower = new RowAddress(BorrowerColumns.Table, id);
        var key = masterKeys.Unwrap(row.GetFieldValue<byte[]>(4), row.GetString(5), borrower);
        var personal = key.Open(row.GetFieldValue<byte[]>(6), new FieldAddress(borrower.Table, "personal_data", id),
            static (_, plain) => SealedPersonalData.FromUtf8(plain));
        string? Text(int ordinal) => row.IsDBNull(ordinal) ? null : row.GetString(ordinal);

        var (fotoKtp, fotoSelfie) = (default(string), default(string));
        if (!row.IsDBNull(19))
        {
            var documents = new RowAddress(BorrowerColumns.DocumentsTable, id);
            var photosKey = masterKeys.Unwrap(row.GetFieldValue<byte[]>(19), row.GetString(20), documents);
            fotoKtp = photosKey.OpenText(row.GetFieldValue<byte[]>(21), new FieldAddress(documents.Table, "foto_ktp", id));
            fotoSelfie = photosKey.OpenText(row.GetFieldValue<byte[]>(22), new FieldAddress(documents.Table, "foto_selfie", id));
        }

        return new BorrowerProfileRecord(
            id, row.GetDateTime(1), row.GetString(2), row.GetString(3),
            personal.IdNumber, personal.PhoneNumber, personal.Email, personal.FullName, personal.BirthDate,
            personal.PersonalDetails, personal.Bank, personal.EmergencyContact,
            row.IsDBNull(7) ? null : new BorrowerJob
            {
                OfficeName = row.GetString(7), StartDate = row.GetFieldValue<DateOnly>(8), Job = row.GetString(9),
                JobType = row.GetString(10), JobOnline = row.GetString(11), WorkExperience = row.GetString(12),
            },
            Text(13) is { } income ? new BorrowerIncome { IncomeRange = income } : null,
            row.IsDBNull(14) ? null : new BorrowerAsset { AssetRange = row.GetString(14), HomeOwnership = row.GetString(15) },
            Text(16) is { } marital ? new BorrowerMarital { MaritalStatus = marital } : null,
            Text(17) is { } education ? new BorrowerEducation { Education = education } : null,
            Text(18) is { } religion ? new BorrowerReligion { Religion = religion } : null,
            fotoKtp, fotoSelfie,
            row.IsDBNull(23) ? null : new LatestLoanTerms(
                row.GetInt64(23), row.GetInt32(24), row.GetString(25), row.GetInt64(26), row.GetString(27),
                row.IsDBNull(28) ? null : row.GetFieldValue<DateOnly>(28), row.GetString(29),
                new LoanReferences
                {
                    BusinessAddress = row.GetString(30), BusinessVillage = row.GetString(31), BusinessSubdistrict = row.GetString(32),
                    BusinessCity = row.GetString(33), BusinessProvince = row.GetString(34), BusinessOwnership = row.GetString(35),
                    JobPosition = row.GetString(36),
                }));
    }
}

/// <summary>A borrower's profile as the partners' read shows it, opened.</summary>
public sealed record BorrowerProfileRecord(
    long Id, DateTime CreatedAt, string BorrowerType, string ProductCode,
    string IdNumber, string PhoneNumber, string Email, string FullName, DateOnly BirthDate,
    BorrowerPersonalDetails? PersonalDetails, BorrowerBank? Bank, BorrowerEmergencyContact? EmergencyContact,
    BorrowerJob? Job, BorrowerIncome? Income, BorrowerAsset? Asset, BorrowerMarital? Marital, BorrowerEducation? Education,
    BorrowerReligion? Religion, string? FotoKtp, string? FotoSelfie, LatestLoanTerms? LatestLoan);

/// <summary>What the profile shows of the latest loan; its repayment history stays in the database.</summary>
public sealed record LatestLoanTerms(
    long Plafons, int Tenor, string TenorUnit, long Amount, string ContractNo, DateOnly? ContractDate, string Interest,
    LoanReferences References);
