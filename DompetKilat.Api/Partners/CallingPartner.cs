using System.Reflection;
using DompetKilat.Lending.Partners;

namespace DompetKilat.Api.Partners;

/// <summary>
/// The partner a request was identified as (by <see cref="PartnerIdentificationMiddleware"/>,
/// before the body is read). Partner routes take it as a parameter and scope every record to it.
/// </summary>
/// <param name="KeyId">The key the call presented; null for a keyless partner.</param>
public sealed record CallingPartner(KnownPartner Partner, long? KeyId)
{
    public const string KeyHeader = "X-Partner-Key";

    public int Id => Partner.Id;

    public string Code => Partner.Code;

    public bool MayApplyFor(string productCode) => Partner.ProductCodes.Contains(productCode);

    /// <summary>The id of one of the partner's products, if that product is configured and active.</summary>
    public int? ActiveProductId(string productCode) => Partner.ActiveProducts.TryGetValue(productCode, out var id) ? id : null;

    /// <summary>Binds from the identification the middleware made; a partner route never runs without one.</summary>
    public static ValueTask<CallingPartner?> BindAsync(HttpContext context, ParameterInfo parameter) =>
        ValueTask.FromResult<CallingPartner?>(context.Features.Get<CallingPartner>()
            ?? throw new InvalidOperationException($"{parameter.Name}: the route is not behind partner identification."));
}
