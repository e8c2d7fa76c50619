using DompetKilat.CallbackWorker;

namespace Microsoft.AspNetCore.Builder;

internal static class ApplicationServiceExtensions
{
    public const string RedisConnectionName = "redis";

    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddLendingDatabase();
        builder.AddRedisClient(RedisConnectionName);
        builder.Services.AddHostedService<CallbackProcessor>();
    }
}
