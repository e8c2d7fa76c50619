using Microsoft.Extensions.Compliance.Classification;

namespace DompetKilat.Lending;

/// <summary>
/// Borrowers' personal data (NIK, names, contact details, family and bank identifiers, photos).
/// Whatever carries this classification is erased from logs by the services' redaction.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field | AttributeTargets.Parameter)]
public sealed class PersonalDataAttribute() : DataClassificationAttribute(DataClasses.PersonalData);

public static class DataClasses
{
    public static DataClassification PersonalData { get; } = new("DompetKilat", "PersonalData");
}
