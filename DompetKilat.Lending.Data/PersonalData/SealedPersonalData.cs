using System.Text.Json;
using System.Text.Json.Serialization;
using DompetKilat.Lending.Borrowers;

namespace DompetKilat.Lending.Data.PersonalData;

/// <summary>
/// Every personal value of a borrower's row, sealed as one value: one decryption per profile read
/// however many fields the profile shows, and nothing about which parts exist shows in the database.
/// </summary>
internal sealed record SealedPersonalData(
    string IdNumber, string PhoneNumber, string Email, string FullName, DateOnly BirthDate,
    BorrowerPersonalDetails? PersonalDetails, BorrowerBank? Bank, BorrowerEmergencyContact? EmergencyContact)
{
    public static SealedPersonalData Of(Borrower borrower) => new(
        borrower.IdNumber, borrower.PhoneNumber, borrower.Email, borrower.FullName, borrower.BirthDate,
        borrower.PersonalDetails, borrower.Bank, borrower.EmergencyContact);

    /// <summary>
    /// Whether <paramref name="borrower"/> still holds exactly these values: the profile's parts are
    /// immutable and replaced whole, so the same instances mean the same values.
    /// </summary>
    public bool IsHeldBy(Borrower borrower) =>
        IdNumber == borrower.IdNumber && PhoneNumber == borrower.PhoneNumber && Email == borrower.Email && FullName == borrower.FullName
        && BirthDate == borrower.BirthDate && ReferenceEquals(PersonalDetails, borrower.PersonalDetails)
        && ReferenceEquals(Bank, borrower.Bank) && ReferenceEquals(EmergencyContact, borrower.EmergencyContact);

    public byte[] ToUtf8() => JsonSerializer.SerializeToUtf8Bytes(this, PersonalDataJson.Default.SealedPersonalData);

    public static SealedPersonalData FromUtf8(ReadOnlySpan<byte> utf8) =>
        JsonSerializer.Deserialize(utf8, PersonalDataJson.Default.SealedPersonalData)
        ?? throw new JsonException("Sealed personal data holds null.");
}

[JsonSerializable(typeof(SealedPersonalData))]
internal sealed partial class PersonalDataJson : JsonSerializerContext;
