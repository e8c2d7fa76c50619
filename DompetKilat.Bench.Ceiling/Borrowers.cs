using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;
using NpgsqlTypes;

namespace DompetKilat.Bench.Ceiling;

/// <summary>
/// The peer's registration and profile read (eng/bench/peer/server.js), rule for rule and answer for
/// answer: one INSERT, or one SELECT by the unique NIK index, each a prepared statement.
/// </summary>
public sealed partial class Borrowers(NpgsqlDataSource dataSource)
{
    // The peer's own table, word for word: whichever of the two starts first creates it.
    private const string CreateTable =
        """
        create table if not exists borrowers (
          id bigserial primary key, borrower_type text not null, product_code text not null,
          phone_number text not null unique, id_number text not null unique, email text not null unique,
          full_name text not null, birth_date date not null,
          created_at timestamptz not null default now(), updated_at timestamptz not null default now())
        """;

    private const string Insert =
        """
        insert into borrowers (borrower_type, product_code, phone_number, id_number, email, full_name, birth_date)
        values ($1,$2,$3,$4,$5,$6,$7) returning id, created_at, updated_at
        """;

    private const string SelectByIdNumber =
        "select borrower_type, product_code, phone_number, id_number, email, full_name, birth_date from borrowers where id_number = $1";

    private static readonly Empty NoData = new();

    public async Task CreateTableAsync(CancellationToken cancellation)
    {
        await using var command = dataSource.CreateCommand(CreateTable);
        await command.ExecuteNonQueryAsync(cancellation);
    }

    public async Task<IResult> RegisterAsync(RegisterRequest? request, CancellationToken cancellation)
    {
        var b = request ?? new RegisterRequest(null, null, null, null, null, null, null);
        // In the peer's order: its message names the first field that failed.
        var errors = new Dictionary<string, string[]>();
        if (b.Map != "PERSONAL_BORROWER") errors["map"] = ["must be PERSONAL_BORROWER"];
        if (b.ProductCode != "95") errors["productCode"] = ["unknown product"];
        if (!Phone().IsMatch(b.PhoneNumber ?? "")) errors["phoneNumber"] = ["must start with 62"];
        if (!Email().IsMatch(b.Email ?? "")) errors["email"] = ["invalid"];
        if (!IdNumber().IsMatch(b.IdNumber ?? "")) errors["idNumber"] = ["digits, at most 16"];
        if (string.IsNullOrEmpty(b.FullName)) errors["fullName"] = ["required"];
        var birth = ParseDate(b.BirthDate);
        if (birth is null) errors["birthDate"] = ["dd/MM/yyyy"];
        if (errors.Count > 0)
        {
            return Results.Json(new Envelope<ValidationErrors>("01", $"{errors.Keys.First()} is invalid", new ValidationErrors(errors)),
                CeilingJson.Default.EnvelopeErrors, statusCode: StatusCodes.Status400BadRequest);
        }

        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellation);
            await using var command = new NpgsqlCommand(Insert, connection)
            {
                Parameters =
                {
                    Text(b.Map!), Text(b.ProductCode!), Text(b.PhoneNumber!), Text(b.IdNumber!), Text(b.Email!), Text(b.FullName!),
                    new NpgsqlParameter<DateOnly> { NpgsqlDbType = NpgsqlDbType.Date, TypedValue = birth!.Value },
                },
            };
            // Prepared once per physical connection; later calls on it find the statement ready.
            await command.PrepareAsync(cancellation);
            await using var reader = await command.ExecuteReaderAsync(cancellation);
            await reader.ReadAsync(cancellation);
            var registered = new Registered(reader.GetInt64(0), b.Map!, b.PhoneNumber!, b.IdNumber!, b.Email!, b.FullName!,
                birth.Value.ToString("yyyy-MM-dd'T00:00:00Z'", CultureInfo.InvariantCulture), false,
                JavaScriptTime(reader.GetFieldValue<DateTime>(1)), JavaScriptTime(reader.GetFieldValue<DateTime>(2)), null);
            return Results.Json(new Envelope<Registered>("00", "success", registered), CeilingJson.Default.EnvelopeRegistered);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            return Results.Json(new Envelope<Empty>("02", $"{e.ConstraintName} is already registered", NoData),
                CeilingJson.Default.EnvelopeEmpty, statusCode: StatusCodes.Status409Conflict);
        }
    }

    public async Task<IResult> ReadAsync(string idNumber, CancellationToken cancellation)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellation);
        await using var command = new NpgsqlCommand(SelectByIdNumber, connection) { Parameters = { Text(idNumber) } };
        await command.PrepareAsync(cancellation);
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        if (!await reader.ReadAsync(cancellation))
        {
            return Results.Json(new Envelope<Empty>("001", $"IdNumber {idNumber} record not found", NoData),
                CeilingJson.Default.EnvelopeEmpty, statusCode: StatusCodes.Status404NotFound);
        }

        var profile = new Profile(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
            reader.GetString(4), reader.GetString(5), reader.GetFieldValue<DateOnly>(6).ToString("dd/MM/yyyy", CultureInfo.InvariantCulture), null, null);
        return Results.Json(new Envelope<Profile>("00", "success", profile), CeilingJson.Default.EnvelopeProfile);
    }

    /// <summary>
    /// The peer's date check: dd/MM/yyyy, a real date, not in the future. JavaScript's Date.UTC,
    /// which the peer builds the date with, reads the years 0 to 99 as 1900 to 1999.
    /// </summary>
    private static DateOnly? ParseDate(string? text)
    {
        var match = Dmy().Match(text ?? "");
        if (!match.Success)
        {
            return null;
        }

        int Part(int group) => int.Parse(match.Groups[group].ValueSpan, CultureInfo.InvariantCulture);
        var (day, month, year) = (Part(1), Part(2), Part(3));
        if (year < 100)
        {
            year += 1900;
        }

        if (month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            return null;
        }

        var date = new DateOnly(year, month, day);
        return date.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc) <= DateTime.UtcNow ? date : null;
    }

    // A timestamp as the peer's JSON writes a JavaScript Date: UTC, milliseconds.
    private static string JavaScriptTime(DateTime utc) => utc.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static NpgsqlParameter<string> Text(string value) => new() { NpgsqlDbType = NpgsqlDbType.Text, TypedValue = value };

    // The peer's regular expressions. JavaScript's \d is ASCII only and its $ (without the m flag)
    // only the end of the text, hence [0-9] and \z; its \s is spelled out, since .NET's differs.
    [GeneratedRegex(@"^62[0-9]{8,13}\z")]
    private static partial Regex Phone();

    [GeneratedRegex(@"^[^@\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]+@[^@\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]+\.[^@\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]+\z")]
    private static partial Regex Email();

    [GeneratedRegex(@"^[0-9]{1,16}\z")]
    private static partial Regex IdNumber();

    [GeneratedRegex(@"^([0-9]{2})/([0-9]{2})/([0-9]{4})\z")]
    private static partial Regex Dmy();
}
