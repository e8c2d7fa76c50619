using System.Text.Json;
using System.Text.Json.Serialization;

namespace DompetKilat.Bench.Ceiling;

/// <summary>A registration as the peer reads it; any field may be missing.</summary>
public sealed record RegisterRequest(
    string? Map, string? ProductCode, string? PhoneNumber, string? Email, string? IdNumber, string? FullName, string? BirthDate);

/// <summary>The peer's envelope: status code, message, data.</summary>
public sealed record Envelope<T>(string Status, string Message, T Data);

/// <summary>The data of an answer that has none: <c>{}</c>, as the peer writes it.</summary>
public sealed record Empty;

public sealed record ValidationErrors(Dictionary<string, string[]> Errors);

public sealed record Registered(
    long Id, string BorrowerType, string PhoneNumber, string IdNumber, string Email, string FullName, string BirthDate,
    bool IsVerified, string CreatedAt, string UpdatedAt, string? DeletedAt);

/// <summary>The peer's profile: it has no loans or references, so both are always null.</summary>
public sealed record Profile(
    string Map, string ProductCode, string PhoneNumber, string IdNumber, string Email, string FullName, string BirthDate,
    object? LoanData, object? References);

/// <summary>Serializers generated at build time, so no answer pays for reflection.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(RegisterRequest))]
[JsonSerializable(typeof(Envelope<ValidationErrors>), TypeInfoPropertyName = "EnvelopeErrors")]
[JsonSerializable(typeof(Envelope<Registered>), TypeInfoPropertyName = "EnvelopeRegistered")]
[JsonSerializable(typeof(Envelope<Profile>), TypeInfoPropertyName = "EnvelopeProfile")]
[JsonSerializable(typeof(Envelope<Empty>), TypeInfoPropertyName = "EnvelopeEmpty")]
public sealed partial class CeilingJson : JsonSerializerContext;
