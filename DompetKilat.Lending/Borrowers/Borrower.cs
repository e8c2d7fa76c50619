using System.Diagnostics;
using DompetKilat.Lending.Loans;
using DompetKilat.Lending.Notifications;

namespace DompetKilat.Lending.Borrowers;

/// <summary>
/// A person a partner onboarded. NIK (<see cref="IdNumber"/>), phone number and email each
/// identify exactly one borrower; the database enforces it, so concurrent registrations of
/// the same person leave one winner. A borrower belongs to the partner that registered it: to
/// every other partner it does not exist (API-CONTRACT §8). Its personal data (identity, the
/// personal details, bank account and emergency contact of its profile, its photos) can be erased
/// (API-CONTRACT §12): the borrower then keeps only what its loans' money history needs.
/// </summary>
public sealed class Borrower
{
    public const string PersonalBorrowerType = "PERSONAL_BORROWER";

    private readonly List<RaisedBorrowerEvent> raisedEvents = [];

    /// <summary>
    /// A person a partner registers (partner reference: Registrasi Borrower), without a profile until
    /// a loan application completes it. The id is the store's, taken before the borrower is stored:
    /// its personal data is sealed to its row.
    /// </summary>
    public Borrower(
        long id, int partnerId, int productId, string idNumber, string phoneNumber, string email, string fullName, DateOnly birthDate, DateTime now)
    {
        Id = id;
        PartnerId = partnerId;
        ProductId = productId;
        IdNumber = idNumber;
        PhoneNumber = phoneNumber;
        Email = email;
        FullName = fullName;
        BirthDate = birthDate;
        CreatedAt = UpdatedAt = now;
    }

    private Borrower()
    {
    }

    public long Id { get; private set; }

    public string BorrowerType { get; private set; } = PersonalBorrowerType;

    public int PartnerId { get; private set; }

    public int ProductId { get; private set; }

    [PersonalData]
    public string IdNumber { get; private set; } = "";

    [PersonalData]
    public string PhoneNumber { get; private set; } = "";

    [PersonalData]
    public string Email { get; private set; } = "";

    [PersonalData]
    public string FullName { get; private set; } = "";

    [PersonalData]
    public DateOnly BirthDate { get; private set; }

    public bool IsVerified { get; private set; }

    public BorrowerPersonalDetails? PersonalDetails { get; private set; }
    public BorrowerJob? Job { get; private set; }
    public BorrowerIncome? Income { get; private set; }
    public BorrowerAsset? Asset { get; private set; }
    public BorrowerBank? Bank { get; private set; }
    public BorrowerEmergencyContact? EmergencyContact { get; private set; }
    public BorrowerMarital? Marital { get; private set; }
    public BorrowerEducation? Education { get; private set; }
    public BorrowerReligion? Religion { get; private set; }
    public BorrowerDocuments? Documents { get; private set; }

    /// <summary>The loan the profile shows (the partner reference's <c>loanData</c>): the one applied for last.</summary>
    public long? LatestLoanId { get; private set; }

    public Loan? LatestLoan { get; private set; }

    public DateTime CreatedAt { get; private set; }

    public DateTime UpdatedAt { get; private set; }

    public DateTime? DeletedAt { get; private set; }

    /// <summary>When its personal data was erased; an erased borrower is unknown to every partner.</summary>
    public DateTime? ErasedAt { get; private set; }

    public bool IsErased => ErasedAt is not null;

    /// <summary>Notifications raised by steps not saved yet; the outbox takes them when the borrower is saved.</summary>
    public IReadOnlyList<RaisedBorrowerEvent> RaisedEvents => raisedEvents;

    public void ClearRaisedEvents() => raisedEvents.Clear();

    /// <summary>
    /// A loan application is the borrower's latest word on their profile, so each part is replaced
    /// and the new loan becomes the one the profile shows. Identity (NIK, phone, email, name, birth
    /// date) stays as registered: it is what makes the borrower unique, and changing it is not a
    /// loan application's business.
    /// </summary>
    public void ApplyFor(Loan loan, BorrowerProfileUpdate profile, DateTime now)
    {
        PersonalDetails = profile.PersonalDetails;
        Job = profile.Job;
        Income = profile.Income;
        Asset = profile.Asset;
        Bank = profile.Bank;
        EmergencyContact = profile.EmergencyContact;
        Marital = profile.Marital;
        Education = profile.Education;
        Religion = profile.Religion;
        LatestLoan = loan;
        UpdatedAt = now;
    }

    /// <summary>The photos of an application, which replace the borrower's previous ones unread.</summary>
    public BorrowerDocuments NewDocuments(string fotoKtp, string fotoSelfie) => new(Id, fotoKtp, fotoSelfie);

    /// <summary>
    /// Erases the borrower's personal data, keeping what its loans' money history needs (its id,
    /// partner, product and loans); refused while one of <paramref name="loans"/> is still open,
    /// since the lender may yet need to reach the person. The photos are the caller's to remove with
    /// it. Its partner is told (<see cref="BorrowerEvents.Erased"/>), naming the borrower by its id.
    /// </summary>
    public ErasureOutcome Erase(IReadOnlyCollection<Loan> loans, DateTime now)
    {
        if (IsErased)
        {
            return ErasureOutcome.AlreadyErased;
        }

        if (loans.Any(l => !l.Status.IsTerminal()))
        {
            return ErasureOutcome.LoanOpen;
        }

        IdNumber = PhoneNumber = Email = FullName = "";
        BirthDate = default;
        PersonalDetails = null;
        Bank = null;
        EmergencyContact = null;
        ErasedAt = UpdatedAt = now;
        raisedEvents.Add(new RaisedBorrowerEvent(
            BorrowerEvents.Erased, new ErasedBorrower(Id, now, [.. loans.Select(l => l.LoanCode).Where(c => c != "")]), now, Activity.Current?.Id));
        return ErasureOutcome.Erased;
    }
}

public enum ErasureOutcome
{
    Erased,

    /// <summary>Nothing changed: a loan of the borrower is not closed, completed or rejected.</summary>
    LoanOpen,

    /// <summary>Nothing changed: erased before.</summary>
    AlreadyErased,
}

/// <summary>The parts of a borrower's profile a loan application brings, each replacing the stored one.</summary>
public sealed record BorrowerProfileUpdate(
    BorrowerPersonalDetails PersonalDetails, BorrowerJob Job, BorrowerIncome Income, BorrowerAsset Asset, BorrowerBank Bank,
    BorrowerEmergencyContact EmergencyContact, BorrowerMarital Marital, BorrowerEducation Education, BorrowerReligion Religion);
