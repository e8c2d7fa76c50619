using System.Runtime.CompilerServices;
using DompetKilat.Lending.Borrowers;

namespace DompetKilat.Lending.Data.PersonalData;

/// <summary>
/// Restores the state of a borrower and its photos read from their sealed columns, through their
/// own private setters, as EF Core restores every mapped property: the model keeps a single way to
/// change its state in its own methods, and no public door for persistence.
/// </summary>
internal static class RestoredState
{
    public static void Restore(Borrower borrower, SealedPersonalData data)
    {
        SetIdNumber(borrower, data.IdNumber);
        SetPhoneNumber(borrower, data.PhoneNumber);
        SetEmail(borrower, data.Email);
        SetFullName(borrower, data.FullName);
        SetBirthDate(borrower, data.BirthDate);
        SetPersonalDetails(borrower, data.PersonalDetails);
        SetBank(borrower, data.Bank);
        SetEmergencyContact(borrower, data.EmergencyContact);
    }

    public static void Restore(BorrowerDocuments documents, string fotoKtp, string fotoSelfie)
    {
        SetFotoKtp(documents, fotoKtp);
        SetFotoSelfie(documents, fotoSelfie);
    }

    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "set_IdNumber")]
    private static extern void SetIdNumber(Borrower borrower, string value);

    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "set_PhoneNumber")]
    private static extern void SetPhoneNumber(Borrower borrower, string value);

    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "set_Email")]
    private static extern void SetEmail(Borrower borrower, string value);

    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "set_FullName")]
    private static extern void SetFullName(Borrower borrower, string value);

    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "set_BirthDate")]
    private static extern void SetBirthDate(Borrower borrower, DateOnly value);

    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "set_PersonalDetails")]
    private static extern void SetPersonalDetails(Borrower borrower, BorrowerPersonalDetails? value);

    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "set_Bank")]
    private static extern void SetBank(Borrower borrower, BorrowerBank? value);

    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "set_EmergencyContact")]
    private static extern void SetEmergencyContact(Borrower borrower, BorrowerEmergencyContact? value);

    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "set_FotoKtp")]
    private static extern void SetFotoKtp(BorrowerDocuments documents, string value);

    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "set_FotoSelfie")]
    private static extern void SetFotoSelfie(BorrowerDocuments documents, string value);
}
