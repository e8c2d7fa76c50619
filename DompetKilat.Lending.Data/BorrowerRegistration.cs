using DompetKilat.Lending.Audit;
using DompetKilat.Lending.Borrowers;
using DompetKilat.Lending.Data.PersonalData;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace DompetKilat.Lending.Data;

/// <summary>
/// Stores a registration, the partners' hottest write, in one round trip and without the change
/// tracker: the partner's write lock, then one statement that checks the caller, inserts the
/// borrower and its audit entry. A batch outside a transaction is one implicit transaction in
/// PostgreSQL, so the two statements commit together or not at all, and the lock is held until
/// they do. A NIK, phone or email already registered fails the insert with its unique index's name.
/// </summary>
public sealed class BorrowerRegistration(LendingDbContext db, LendingIds ids, PersonalDataInterceptor personalData)
{
    private static readonly string Insert = $"""
        WITH admission AS ({PartnerWriteLock.Admission}),
        borrower AS (
            INSERT INTO borrowers (id, borrower_type, partner_id, product_id, is_verified, created_at, updated_at,
                personal_data, data_key, data_key_id, id_number_index, phone_number_index, email_index)
            SELECT $4, $5, $1, $6, false, $3, $3, $7, $8, $9, $10, $11, $12 FROM admission WHERE enabled
            RETURNING id),
        entry AS (
            INSERT INTO audit_events ({AuditEntrySql.Columns})
            SELECT {AuditEntrySql.Placeholders(13)} FROM borrower)
        SELECT enabled FROM admission
        """;

    private NpgsqlConnection Connection => (NpgsqlConnection)db.Database.GetDbConnection();

    /// <summary>The id of a borrower about to be registered: its personal data is sealed to it.</summary>
    public ValueTask<long> NewIdAsync(CancellationToken cancellationToken) => ids.Borrowers.NextAsync(db, cancellationToken);

    /// <summary>Stores <paramref name="borrower"/> and <paramref name="entry"/> if the partner may still write; nothing otherwise.</summary>
    public async Task<WriteAdmission> StoreAsync(Borrower borrower, long? keyId, AuditEvent entry, CancellationToken cancellationToken)
    {
        var row = personalData.SealNew(borrower);
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            var insert = new NpgsqlBatchCommand(Insert)
            {
                Parameters =
                {
                    new() { Value = borrower.PartnerId },
                    PartnerWriteLock.KeyParameter(keyId),
                    new() { Value = borrower.CreatedAt },
                    new() { Value = borrower.Id },
                    new() { Value = borrower.BorrowerType },
                    new() { Value = borrower.ProductId },
                    new() { Value = row.PersonalData },
                    new() { Value = row.DataKey },
                    new() { Value = row.DataKeyId },
                    new() { Value = row.IdNumberIndex },
                    new() { Value = row.PhoneNumberIndex },
                    new() { Value = row.EmailIndex },
                },
            };
            AuditEntrySql.Add(insert.Parameters, entry);
            await using var batch = new NpgsqlBatch(Connection)
            {
                BatchCommands = { new NpgsqlBatchCommand(PartnerWriteLock.Shared) { Parameters = { new() { Value = borrower.PartnerId } } }, insert },
            };
            await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
            await reader.NextResultAsync(cancellationToken);
            return PartnerWriteLock.Of(await reader.ReadAsync(cancellationToken) ? reader.GetBoolean(0) : null);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}
