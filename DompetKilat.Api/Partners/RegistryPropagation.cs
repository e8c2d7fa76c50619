using DompetKilat.Api.Contract;
using DompetKilat.Lending.Data;

namespace DompetKilat.Api.Partners;

/// <summary>
/// Holds a registry change's answer until every live Api replica enforces it (API-CONTRACT §8),
/// so a new key works, and a revoked key or a disabled partner is refused, on whichever replica
/// the next call reaches. A replica that has not caught up within <see cref="Timeout"/> is named
/// in a <c>99</c>: the change is committed, but the back office must not be told it is in force.
/// </summary>
internal sealed class RegistryChangeFilter(
    PartnerRegistryStore store, PartnerRegistryListener listener, LendingDbContext db, TimeProvider clock) : IEndpointFilter
{
    /// <summary>Past the store's live window, so a replica that died mid-wait stops counting before the wait ends.</summary>
    public static readonly TimeSpan Timeout = PartnerRegistryStore.LiveWindow + TimeSpan.FromSeconds(1);

    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(10);

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var result = await next(context);
        if (ContractOutcome.Of(result) != ContractStatus.Success)
        {
            return result;
        }

        // This replica need not wait for the notification to travel back to it.
        listener.Ring();
        var cancellationToken = context.HttpContext.RequestAborted;
        var version = await store.CurrentVersionAsync(db, cancellationToken);
        var deadline = clock.GetTimestamp() + (long)(Timeout.TotalSeconds * clock.TimestampFrequency);
        while (true)
        {
            var lagging = await store.LaggingAsync(db, version, cancellationToken);
            if (lagging.Count == 0)
            {
                return result;
            }

            if (clock.GetTimestamp() >= deadline)
            {
                return ContractResults.Failure(ContractStatus.Unavailable, StatusCodes.Status503ServiceUnavailable,
                    $"the change is saved, but not yet in force on Api replica(s) {string.Join(", ", lagging)}; check them before relying on it");
            }

            await Task.Delay(Poll, clock, cancellationToken);
        }
    }
}

public static class RegistryChangeExtensions
{
    /// <summary>The route changes the partner registry: its success is answered once every replica enforces it.</summary>
    public static TBuilder ChangesPartnerRegistry<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter<TBuilder, RegistryChangeFilter>();
}
