namespace DompetKilat.Lending;

/// <summary>
/// Marks a stored secret that is never searched and is encrypted at rest (a partner's webhook
/// secrets). Borrowers' personal data is protected as a whole, not field by field.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class EncryptedAtRestAttribute : Attribute;
