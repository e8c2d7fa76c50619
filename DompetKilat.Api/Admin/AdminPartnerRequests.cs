using DompetKilat.Api.Contract;
using DompetKilat.Lending.Partners;
using FluentValidation;

namespace DompetKilat.Api.Admin;

/// <summary>Registers a partner (API-CONTRACT §8); <c>webhookUrl</c> is optional and <c>keyless</c> defaults to false.</summary>
/// (Its defaults tell the OpenAPI document those two are optional.)
public sealed record RegisterPartnerRequest(
    string? PartnerCode, string? Name, string[]? AllowList, string[]? ProductCodes, string? WebhookUrl = null, bool? Keyless = null)
    : IPartnerTerms;

/// <summary>Replaces a partner's terms; its code, keys and borrowers stay.</summary>
public sealed record UpdatePartnerRequest(
    string? Name, string[]? AllowList, string[]? ProductCodes, string? WebhookUrl = null, bool? Keyless = null)
    : IPartnerTerms;

/// <summary>Issues a new key, and with <c>webhookSecret</c> a new secret; the old ones work 24 hours more unless revoked.</summary>
public sealed record RotatePartnerKeysRequest(bool? WebhookSecret = null, bool? RevokePrevious = null);

/// <summary>What registration and update both set, under the same rules.</summary>
public interface IPartnerTerms
{
    string? Name { get; }

    string[]? AllowList { get; }

    string[]? ProductCodes { get; }

    string? WebhookUrl { get; }

    bool? Keyless { get; }
}

public sealed class RegisterPartnerRequestValidator : AbstractValidator<RegisterPartnerRequest>
{
    public RegisterPartnerRequestValidator(IHostEnvironment environment)
    {
        RuleFor(r => r.PartnerCode).NotEmpty().Must(code => PartnerRules.PartnerCodePattern().IsMatch(code!))
            .WithMessage("partnerCode must be 2 to 32 capital letters, digits or '_'");
        Include(new PartnerTermsValidator(environment));
        this.RefuseNulCharacters();
    }
}

public sealed class UpdatePartnerRequestValidator : AbstractValidator<UpdatePartnerRequest>
{
    public UpdatePartnerRequestValidator(IHostEnvironment environment)
    {
        Include(new PartnerTermsValidator(environment));
        this.RefuseNulCharacters();
    }
}

internal sealed class PartnerTermsValidator : AbstractValidator<IPartnerTerms>
{
    public PartnerTermsValidator(IHostEnvironment environment)
    {
        RuleFor(r => r.Name).NotEmpty().MaximumLength(PartnerRules.MaxNameLength);
        RuleFor(r => r.AllowList).NotEmpty()
            .Must(list => list!.Length <= PartnerRules.MaxAllowListEntries)
            .WithMessage($"allowList may hold at most {PartnerRules.MaxAllowListEntries} entries");
        RuleForEach(r => r.AllowList)
            .Must(entry => PartnerRules.TryParseNetwork(entry, out _))
            .WithMessage("allowList entries must be IP addresses or CIDR ranges, like 203.0.113.0/24")
            .When(r => r.AllowList is { Length: <= PartnerRules.MaxAllowListEntries });
        RuleFor(r => r.ProductCodes).NotEmpty()
            .Must(codes => codes!.Length <= PartnerRules.MaxProductCodes)
            .WithMessage($"productCodes may hold at most {PartnerRules.MaxProductCodes} codes");
        RuleForEach(r => r.ProductCodes).NotEmpty().MaximumLength(32)
            .Must(code => code.All(char.IsAsciiLetterOrDigit)).WithMessage("productCodes entries must be letters or digits")
            .When(r => r.ProductCodes is { Length: <= PartnerRules.MaxProductCodes });
        RuleFor(r => r.WebhookUrl)
            .Must(url => PartnerRules.IsWebhookUrl(url!))
            .WithMessage("webhookUrl must be an absolute http(s) URL without credentials")
            .When(r => r.WebhookUrl is not null);
        // Development sends to the partner sandbox and test receivers on loopback over http.
        RuleFor(r => r.WebhookUrl)
            .MustAsync((url, cancellationToken) => WebhookAddresses.IsPublicHttpsAsync(url!, cancellationToken))
            .WithMessage("webhookUrl must be https and must not resolve to a loopback, private, link-local or metadata address")
            .When(r => r.WebhookUrl is not null && PartnerRules.IsWebhookUrl(r.WebhookUrl) && !environment.IsDevelopment());
    }
}
