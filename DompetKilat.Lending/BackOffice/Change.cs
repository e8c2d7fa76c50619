namespace DompetKilat.Lending.BackOffice;

/// <summary>An operator of the back office, as the token names them.</summary>
public sealed record Operator(string Subject, string Name);

public enum ChangeKind
{
    RegisterPartner,
    UpdatePartner,
    RotatePartnerKeys,
    EnablePartner,
}

public enum ChangeState
{
    Pending,
    Approved,
    Rejected,
    Expired,
}

/// <summary>What a decision on a change came to.</summary>
public enum ChangeDecision
{
    Taken,
    AlreadyDecided,
    Expired,
    ByItsMaker,
    WrongRole,
}

/// <summary>
/// A sensitive back-office change waiting for its second operator (four eyes, API-CONTRACT §10):
/// one operator makes it, another holding the same role approves or rejects it before it expires,
/// and only an approved change takes effect. It holds the request as made, never a secret: keys
/// are minted when it is approved, and shown once in that answer.
/// </summary>
public sealed class Change
{
    public const int MaxNameLength = 128;

    private Change()
    {
    }

    public Guid Id { get; private set; }

    public ChangeKind Kind { get; private set; }

    /// <summary>The role its maker acted in, which its checker must hold too.</summary>
    public string Role { get; private set; } = "";

    public string PartnerCode { get; private set; } = "";

    /// <summary>The request as made (JSON), applied as it stands when approved.</summary>
    public string Request { get; private set; } = "";

    public ChangeState State { get; private set; }

    public string MakerSubject { get; private set; } = "";

    public string MakerName { get; private set; } = "";

    public DateTime MadeAt { get; private set; }

    public DateTime ExpiresAt { get; private set; }

    public string? CheckerSubject { get; private set; }

    public string? CheckerName { get; private set; }

    public DateTime? DecidedAt { get; private set; }

    public static Change Make(
        ChangeKind kind, string role, string partnerCode, string request, Operator maker, DateTime now, TimeSpan lifetime)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lifetime, TimeSpan.Zero);
        return new Change
        {
            Id = Guid.CreateVersion7(now),
            Kind = kind,
            Role = role,
            PartnerCode = partnerCode,
            Request = request,
            State = ChangeState.Pending,
            MakerSubject = maker.Subject,
            MakerName = Shorten(maker.Name),
            MadeAt = now,
            ExpiresAt = now + lifetime,
        };
    }

    /// <summary>Where the change stands at <paramref name="now"/>: a pending change past its time has expired, stored or not.</summary>
    public ChangeState StateAt(DateTime now) => State == ChangeState.Pending && now >= ExpiresAt ? ChangeState.Expired : State;

    /// <summary>Approves the change if <paramref name="checker"/> may: not its maker, holding its role, while it is pending.</summary>
    public ChangeDecision Approve(Operator checker, IEnumerable<string> checkerRoles, DateTime now)
    {
        if (Undecidable(checkerRoles, now) is { } refusal)
        {
            return refusal;
        }

        if (checker.Subject == MakerSubject)
        {
            return ChangeDecision.ByItsMaker;
        }

        Decide(ChangeState.Approved, checker, now);
        return ChangeDecision.Taken;
    }

    /// <summary>Rejects the change; its maker may too, withdrawing it, since a rejection changes nothing.</summary>
    public ChangeDecision Reject(Operator checker, IEnumerable<string> checkerRoles, DateTime now)
    {
        if (Undecidable(checkerRoles, now) is { } refusal)
        {
            return refusal;
        }

        Decide(ChangeState.Rejected, checker, now);
        return ChangeDecision.Taken;
    }

    private ChangeDecision? Undecidable(IEnumerable<string> checkerRoles, DateTime now)
    {
        if (State != ChangeState.Pending)
        {
            return ChangeDecision.AlreadyDecided;
        }

        if (now >= ExpiresAt)
        {
            State = ChangeState.Expired;
            DecidedAt = ExpiresAt;
            return ChangeDecision.Expired;
        }

        return checkerRoles.Contains(Role, StringComparer.Ordinal) ? null : ChangeDecision.WrongRole;
    }

    private void Decide(ChangeState state, Operator checker, DateTime now)
    {
        State = state;
        CheckerSubject = checker.Subject;
        CheckerName = Shorten(checker.Name);
        DecidedAt = now;
    }

    private static string Shorten(string name) => name.Length <= MaxNameLength ? name : name[..MaxNameLength];
}
