using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using DompetKilat.Api.Contract;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace DompetKilat.Api.Admin;

/// <summary>The back office's shared key, an Aspire secret parameter handed to the Api as <c>Admin__ApiKey</c>.</summary>
public sealed class AdminOptions
{
    public const string Section = "Admin";

    public string ApiKey { get; set; } = "";
}

/// <summary>
/// Authenticates back-office callers by <c>X-Api-Key</c>. It runs before the endpoint binds the
/// body, so an unauthenticated caller learns nothing about the route, not even its body rules.
/// </summary>
internal sealed class AdminKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IOptionsMonitor<AdminOptions> admin)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "AdminKey";
    public const string HeaderName = "X-Api-Key";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(HeaderName, out var presented))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        if (!KeysMatch(presented.ToString(), admin.CurrentValue.ApiKey))
        {
            return Task.FromResult(AuthenticateResult.Fail("admin key does not match"));
        }

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, "back-office")], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }

    /// <summary>Missing and wrong keys answer alike, so a caller cannot tell which it sent.</summary>
    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        ContractResults.Failure(ContractStatus.NotAllowed, StatusCodes.Status401Unauthorized, "admin key is missing or wrong")
            .ExecuteAsync(Context);

    /// <summary>
    /// Compares digests of equal length in constant time, so neither the key's content nor its
    /// length leaks through timing.
    /// </summary>
    private static bool KeysMatch(string presented, string expected) =>
        expected.Length > 0
        && CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(presented)),
            SHA256.HashData(Encoding.UTF8.GetBytes(expected)));
}
