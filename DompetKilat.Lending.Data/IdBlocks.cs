using Microsoft.EntityFrameworkCore;

namespace DompetKilat.Lending.Data;

/// <summary>
/// Ids for rows the Api stores without the change tracker, taken from the same HiLo sequence and in
/// the same blocks as EF Core's own generator (a value <c>h</c> of the sequence owns ids <c>h</c> to
/// <c>h + block - 1</c>), so ids from either never collide. One round trip per block, not per row.
/// </summary>
public sealed class IdBlocks(string sequence, int blockSize)
{
    private readonly string nextBlock = $"""SELECT nextval('{sequence}') AS "Value" """;
    private readonly SemaphoreSlim refilling = new(1, 1);
    private readonly Lock gate = new();
    private long next;
    private long end;

    /// <summary>The next id; <paramref name="db"/> takes a new block when this one is spent.</summary>
    public async ValueTask<long> NextAsync(LendingDbContext db, CancellationToken cancellationToken)
    {
        if (TryTake(out var id))
        {
            return id;
        }

        await refilling.WaitAsync(cancellationToken);
        try
        {
            if (TryTake(out id))
            {
                return id;
            }

            var low = await db.Database.SqlQueryRaw<long>(nextBlock).SingleAsync(cancellationToken);
            lock (gate)
            {
                next = low + 1;
                end = low + blockSize;
            }

            return low;
        }
        finally
        {
            refilling.Release();
        }
    }

    private bool TryTake(out long id)
    {
        lock (gate)
        {
            id = next;
            if (next < end)
            {
                next++;
                return true;
            }

            return false;
        }
    }
}

/// <summary>The id blocks of the rows the Api stores itself: borrowers and loans.</summary>
public sealed class LendingIds
{
    public IdBlocks Borrowers { get; } = new(BorrowerConfiguration.IdSequence, BorrowerConfiguration.IdBlock);

    public IdBlocks Loans { get; } = new(LoanConfiguration.IdSequence, BorrowerConfiguration.IdBlock);
}
