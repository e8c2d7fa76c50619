using System.Text;

namespace DompetKilat.Tests.Hostile;

/// <summary>What a request of the corpus presents as the caller's proof, right or deliberately wrong.</summary>
public enum Credential
{
    None,
    /// <summary>No key, from loopback: the built-in keyless partner <c>LOCAL</c> of Development.</summary>
    LocalPartner,
    UnknownPartnerKey,
    EmptyPartnerKey,
    GiantPartnerKey,
    OperatorToken,
    ForeignOperatorToken,
    OperatorTokenInOtherCase,
    OperatorTokenWithSpace,
    EmptyOperatorToken,
    GiantOperatorToken,
    LenderSignature,
    SignatureWithUnknownSecret,
    StaleSignature,
    FutureSignature,
    SignatureOfAnotherBody,
    MalformedSignature,
    SignatureWithoutId,
}

/// <summary>
/// One request of the corpus: where it goes, what it carries, what was done to the seed to get
/// it, and whether the contract requires it to fail (a mutation that may legitimately pass, such
/// as an extra field, is sent to a target where passing changes nothing).
/// </summary>
public sealed record HostileRequest(
    string Route,
    HttpMethod Method,
    string Path,
    byte[]? Body,
    string? ContentType,
    Credential Credential,
    long BodyLimit,
    string Mutation,
    bool MustFail)
{
    /// <summary>
    /// Kestrel refuses a request target holding an encoded NUL (<c>%00</c>) with an empty 400 before
    /// any middleware runs, so the Api cannot answer such a request in its envelope.
    /// </summary>
    public bool RefusedByTheServer => Path.Contains("%00", StringComparison.Ordinal);

    /// <summary>Sent without a Content-Length, so only Kestrel's own limit can stop an oversized body.</summary>
    public bool Chunked { get; init; }

    /// <summary>
    /// An oversized body without a declared length is cut off by Kestrel once the limit is read:
    /// the Api answers 06, but the connection closes while the client is still uploading, so the
    /// client may see a reset instead of that answer, short of the server reading the whole
    /// oversized body, which is what the limit exists to prevent.
    /// </summary>
    public bool MayBeCutOff => Chunked && Body is not null && Body.Length > BodyLimit;

    /// <summary>The request as a developer needs it to reproduce a failure, long bodies cut in the middle.</summary>
    public string Describe()
    {
        var text = new StringBuilder()
            .Append($"{Route} [{Mutation}] {(MustFail ? "must fail" : "may pass")}: {Method} {Path}")
            .Append($", Content-Type: {ContentType ?? "(none)"}, credential: {Credential}{(Chunked ? ", chunked" : "")}");
        if (Body is not null)
        {
            text.Append($", body ({Body.Length} bytes): {Preview(Body)}");
        }

        return text.ToString();
    }

    /// <summary>Printable ASCII as is, every other byte as <c>\xNN</c>, at most about 240 characters.</summary>
    public static string Preview(ReadOnlySpan<byte> bytes)
    {
        const int head = 200, tail = 40;
        if (bytes.Length <= head + tail)
        {
            return Escape(bytes);
        }

        return $"{Escape(bytes[..head])}…({bytes.Length - head - tail} bytes)…{Escape(bytes[^tail..])}";
    }

    private static string Escape(ReadOnlySpan<byte> bytes)
    {
        var text = new StringBuilder(bytes.Length);
        foreach (var b in bytes)
        {
            text.Append(b is >= 0x20 and < 0x7F ? ((char)b).ToString() : $"\\x{b:X2}");
        }

        return text.ToString();
    }
}
