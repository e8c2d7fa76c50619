using DompetKilat.Api.Contract;
using DompetKilat.Lending.Data;
using DompetKilat.Lending.Data.PersonalData;
using Microsoft.AspNetCore.Http.HttpResults;

namespace DompetKilat.Api.Admin;

/// <summary>
/// A master key rotation's progress: the worker moves everything older master keys sealed under the
/// active one (MasterKeyRotationJob), and an old master key may leave the configuration once it seals nothing.
/// </summary>
public static class AdminMasterKeyEndpoints
{
    public static IEndpointRouteBuilder MapAdminMasterKeyEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapBackOfficeGroup("/v1/admin/master-keys")
            .MapGet("/", GetMasterKeys)
            .WithName("GetMasterKeys")
            .ReadableBy(OperatorRoles.Operations)
            .WithSummary("How many borrowers' data keys and partners' webhook secrets each master key seals, and how many the worker has yet to move under the active key");

        return app;
    }

    public static async Task<Ok<ApiResponse<MasterKeyCounts>>> GetMasterKeys(LendingDbContext db, MasterKeys masterKeys, CancellationToken cancellationToken) =>
        ContractResults.Success(await MasterKeyRotation.CountAsync(db, masterKeys, cancellationToken));
}
