using DompetKilat.Api.Contract;
using DompetKilat.Lending.Data;
using Microsoft.AspNetCore.Http.HttpResults;

namespace DompetKilat.Api.Partners;

/// <summary>
/// A partner write checks its caller again as it commits (API-CONTRACT §8: a write that began
/// before a disable commits nothing after it). The caller was identified before its body was read,
/// which for an 8 MB application can be long before it commits; <see cref="PartnerWriteLock"/>
/// makes a disable or a revoke wait for the writes already admitted, and every later write see it.
/// </summary>
public static class PartnerAdmission
{
    /// <summary>Null while <paramref name="partner"/> may still write; otherwise the <c>05</c> to answer instead. Takes the write's lock in the current transaction.</summary>
    public static async Task<JsonHttpResult<ApiResponse<ErrorData>>?> RefuseIfNoLongerAdmittedAsync(
        this LendingDbContext db, CallingPartner partner, DateTime now, CancellationToken cancellationToken) =>
        Refusal(await PartnerWriteLock.AdmitAsync(db, partner.Id, partner.KeyId, now, cancellationToken), partner);

    /// <summary>The <c>05</c> a write the store did not admit is answered with; null when it was admitted.</summary>
    public static JsonHttpResult<ApiResponse<ErrorData>>? Refusal(WriteAdmission admission, CallingPartner partner) => admission switch
    {
        WriteAdmission.Admitted => null,
        WriteAdmission.PartnerDisabled => ContractResults.Failure(ContractStatus.NotAllowed, StatusCodes.Status403Forbidden, $"partner {partner.Code} is disabled"),
        _ => ContractResults.Failure(ContractStatus.NotAllowed, StatusCodes.Status401Unauthorized, "partner key is unknown or revoked"),
    };
}
