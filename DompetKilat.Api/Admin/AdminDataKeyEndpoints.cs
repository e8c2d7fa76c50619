using DompetKilat.Api.Contract;
using DompetKilat.Lending.Data;
using DompetKilat.Lending.Data.PersonalData;
using Microsoft.AspNetCore.Http.HttpResults;

namespace DompetKilat.Api.Admin;

/// <summary>
/// A master key rotation's progress: the worker rewraps every data key under the active master key
/// (DataKeyRotation), and an old master key may leave the configuration once nothing is left under it.
/// </summary>
public static class AdminDataKeyEndpoints
{
    public static IEndpointRouteBuilder MapAdminDataKeyEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapBackOfficeGroup("/v1/admin/data-keys")
            .MapGet("/", GetDataKeys)
            .WithName("GetDataKeys")
            .WithSummary("How many borrowers' data keys each master key wraps, and how many the worker has yet to rewrap under the active key");

        return app;
    }

    public static async Task<Ok<ApiResponse<DataKeyCounts>>> GetDataKeys(LendingDbContext db, MasterKeys masterKeys, CancellationToken cancellationToken) =>
        ContractResults.Success(await DataKeyRewrap.CountAsync(db, masterKeys, cancellationToken));
}
