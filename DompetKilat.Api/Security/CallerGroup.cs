namespace DompetKilat.Api.Security;

/// <summary>Which allow-list an endpoint answers to.</summary>
public enum CallerGroup
{
    Partners,
    Callbacks,
}

/// <summary>Endpoint metadata naming the allow-list its callers must be on.</summary>
public sealed record AllowedCallers(CallerGroup Group);

/// <summary>Endpoint metadata: the body must carry a valid Standard Webhooks signature.</summary>
public sealed class SignedCallbackMetadata;
