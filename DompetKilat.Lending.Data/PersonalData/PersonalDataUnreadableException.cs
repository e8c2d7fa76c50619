namespace DompetKilat.Lending.Data.PersonalData;

/// <summary>
/// A stored personal value that does not open: tampered with, moved from another row or column, or
/// sealed under a key this replica lacks. It names where the value is and never what it holds; the
/// caller hears <c>99</c>, never another borrower's data.
/// </summary>
public sealed class PersonalDataUnreadableException(string table, string column, long rowId, Exception? inner = null)
    : Exception($"The personal data in {table}.{column} of row {rowId} cannot be decrypted.", inner)
{
    public string Table { get; } = table;

    public string Column { get; } = column;

    public long RowId { get; } = rowId;
}
