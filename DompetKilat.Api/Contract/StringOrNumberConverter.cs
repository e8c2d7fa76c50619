using System.Text.Json;
using System.Text.Json.Serialization;

namespace DompetKilat.Api.Contract;

/// <summary>
/// The partner reference types <c>phoneNumber</c> as "number" while every example sends a
/// string; both are accepted and kept as the digits the partner sent.
/// </summary>
public sealed class StringOrNumberConverter : JsonConverter<string>
{
    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType switch
        {
            JsonTokenType.String => reader.GetString(),
            JsonTokenType.Number when reader.TryGetUInt64(out var number) => number.ToString(System.Globalization.CultureInfo.InvariantCulture),
            JsonTokenType.Null => null,
            _ => throw new JsonException("expected a string or a whole number"),
        };

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value);
}
