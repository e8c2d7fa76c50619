
namespace DompetKilat.Lending.Audit;

/// <summary>
/// One entry of the append-only audit trail (API-CONTRACT §8): who looked at or changed whose
/// record, through which route, and what they were told. It holds ids, never a personal value,
/// so the trail itself needs no protection beyond the back office's sign-in.
/// </summary>
public sealed class AuditEvent
{
    /// <summary>The actor of back-office actions; partners appear by their code.</summary>
    public const string BackOffice = "back-office";

    /// <summary>The actor of a refused call that named no partner (an unknown key, an unknown address).</summary>
    public const string UnknownCaller = "unknown";

    /// <summary>The actor of what the retention rule does by itself (erasing borrowers no longer needed).</summary>
    public const string Retention = "retention";

    public long Id { get; set; }

    public DateTime OccurredAt { get; set; }

    public required string Actor { get; set; }

    public int? PartnerId { get; set; }

    /// <summary>Method and route template, e.g. <c>GET /v1/borrower/{idNumber}</c>; never the path with its values.</summary>
    public required string Action { get; set; }

    /// <summary>The contract status the caller was answered with.</summary>
    public required string Outcome { get; set; }

    public long? BorrowerId { get; set; }

    public long? LoanId { get; set; }

    /// <summary>A record that is neither borrower nor loan: a partner's code, a callback's id.</summary>
    public string? Subject { get; set; }

    public string? TraceId { get; set; }

    /// <summary>The caller's address as the Api saw it (after the trusted-proxy rule).</summary>
    public string? SourceAddress { get; set; }

    /// <summary>The id of the partner key the call presented, when it named a known one; never the key.</summary>
    public long? KeyId { get; set; }

    /// <summary>The back-office operator who acted (the token's <c>sub</c>); null for partners and refused sign-ins.</summary>
    public string? OperatorSubject { get; set; }

    /// <summary>The operator's name as the token gave it.</summary>
    public string? OperatorName { get; set; }

    /// <summary>The four-eyes change a call made, approved or rejected.</summary>
    public Guid? ChangeId { get; set; }
}
