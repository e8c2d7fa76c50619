using DompetKilat.Lending.Audit;
using Npgsql;
using NpgsqlTypes;

namespace DompetKilat.Lending.Data;

/// <summary>The columns of an audit entry, for the statements that write a change's entry themselves and for the trail's COPY.</summary>
public static class AuditEntrySql
{
    public const string Columns =
        "occurred_at, actor, partner_id, action, outcome, borrower_id, loan_id, subject, trace_id, source_address, key_id, operator_subject, operator_name, change_id";

    private const int ColumnCount = 14;

    /// <summary>The placeholders of <see cref="Columns"/>, numbered from <paramref name="first"/>, for the parameters <see cref="Add"/> appends.</summary>
    public static string Placeholders(int first) => string.Join(", ", Enumerable.Range(first, ColumnCount).Select(i => $"${i}"));

    public static void Add(NpgsqlParameterCollection parameters, AuditEvent entry)
    {
        parameters.Add(new() { Value = entry.OccurredAt, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        parameters.Add(new() { Value = entry.Actor, NpgsqlDbType = NpgsqlDbType.Varchar });
        parameters.Add(Nullable(entry.PartnerId, NpgsqlDbType.Integer));
        parameters.Add(new() { Value = entry.Action, NpgsqlDbType = NpgsqlDbType.Varchar });
        parameters.Add(new() { Value = entry.Outcome, NpgsqlDbType = NpgsqlDbType.Varchar });
        parameters.Add(Nullable(entry.BorrowerId, NpgsqlDbType.Bigint));
        parameters.Add(Nullable(entry.LoanId, NpgsqlDbType.Bigint));
        parameters.Add(Nullable(entry.Subject, NpgsqlDbType.Varchar));
        parameters.Add(Nullable(entry.TraceId, NpgsqlDbType.Varchar));
        parameters.Add(Nullable(entry.SourceAddress, NpgsqlDbType.Varchar));
        parameters.Add(Nullable(entry.KeyId, NpgsqlDbType.Bigint));
        parameters.Add(Nullable(entry.OperatorSubject, NpgsqlDbType.Varchar));
        parameters.Add(Nullable(entry.OperatorName, NpgsqlDbType.Varchar));
        parameters.Add(Nullable(entry.ChangeId, NpgsqlDbType.Uuid));
    }

    // Typed even when null, so each statement prepares once whatever the entry leaves out.
    private static NpgsqlParameter Nullable(object? value, NpgsqlDbType type) => new() { Value = value ?? DBNull.Value, NpgsqlDbType = type };
}
