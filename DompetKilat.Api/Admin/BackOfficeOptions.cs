namespace DompetKilat.Api.Admin;

/// <summary>
/// How operators sign in and where the back office listens (API-CONTRACT §10). Either an OpenID
/// Connect issuer (<see cref="Authority"/> and <see cref="Audience"/>: production) or a shared
/// signing key the development tools mint tokens with (<see cref="SigningKey"/>).
/// </summary>
public sealed class BackOfficeOptions
{
    public const string Section = "BackOffice";

    /// <summary>The issuer of a development token, which <c>eng/operator-token.sh</c> writes too.</summary>
    public const string DevelopmentIssuer = "dompetkilat-development";

    /// <summary>The audience a development token is for, which <c>eng/operator-token.sh</c> writes too.</summary>
    public const string DevelopmentAudience = "dompetkilat-back-office";

    /// <summary>The OpenID Connect issuer whose discovery document names its signing keys.</summary>
    public string? Authority { get; set; }

    public string? Audience { get; set; }

    /// <summary>An HS256 key of at least 32 bytes (UTF-8), for a deployment without an issuer of its own.</summary>
    public string? SigningKey { get; set; }

    /// <summary>The port of the back office's own listener; the partners' listener has no <c>/v1/admin</c>.</summary>
    public int? Port { get; set; }

    /// <summary>How long a change waits for its second operator before it expires.</summary>
    public TimeSpan ChangeLifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Failed sign-ins one address may make per <see cref="FailedSignInWindow"/> before its calls are refused unread.</summary>
    public int FailedSignInLimit { get; set; } = 20;

    public TimeSpan FailedSignInWindow { get; set; } = TimeSpan.FromMinutes(1);

    internal bool HasIssuer => !string.IsNullOrEmpty(Authority);
}
