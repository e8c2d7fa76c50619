using DompetKilat.Api.Contract;
using DompetKilat.Lending.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace DompetKilat.Api.Partners;

/// <summary>
/// A partner write checks its caller again inside its own transaction (API-CONTRACT §8: a write
/// that began before a disable commits nothing after it). The caller was identified before its
/// body was read, which for an 8 MB application can be long before it commits. The check holds a
/// share lock on the partner's row and on its key's until the write commits, so a disable or a
/// revoke waits for writes already admitted and every later write sees it.
/// </summary>
public static class PartnerAdmission
{
    /// <summary>Null while <paramref name="partner"/> may still write; otherwise the <c>05</c> to answer instead.</summary>
    public static async Task<JsonHttpResult<ApiResponse<ErrorData>>?> RefuseIfNoLongerAdmittedAsync(
        this LendingDbContext db, CallingPartner partner, DateTime now, CancellationToken cancellationToken)
    {
        var active = partner.KeyId is { } keyId
            ? db.Database.SqlQuery<bool>($"""
                SELECT p.disabled_at IS NULL AS "Value" FROM partners p
                JOIN partner_keys k ON k.partner_id = p.id AND k.id = {keyId} AND (k.expires_at IS NULL OR k.expires_at > {now})
                WHERE p.id = {partner.Id} FOR SHARE
                """)
            : db.Database.SqlQuery<bool>($"""SELECT disabled_at IS NULL AS "Value" FROM partners WHERE id = {partner.Id} FOR SHARE""");
        return (await active.ToListAsync(cancellationToken)) switch
        {
            [true] => null,
            [false] => ContractResults.Failure(ContractStatus.NotAllowed, StatusCodes.Status403Forbidden, $"partner {partner.Code} is disabled"),
            _ => ContractResults.Failure(ContractStatus.NotAllowed, StatusCodes.Status401Unauthorized, "partner key is unknown or revoked"),
        };
    }
}
