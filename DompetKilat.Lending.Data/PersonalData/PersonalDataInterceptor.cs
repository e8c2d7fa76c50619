using System.Runtime.CompilerServices;
using DompetKilat.Lending.Borrowers;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace DompetKilat.Lending.Data.PersonalData;

/// <summary>
/// The one path between a borrower's personal data in the model (plain values) and in the database
/// (sealed under the borrower's data key, bound to table, column and row; blind indexes for what is
/// searched): a materialization interceptor opens what a query reads, a save interceptor seals what a
/// save writes. The model's plain properties are not mapped, so nothing else can write them in clear.
/// </summary>
public sealed class PersonalDataInterceptor(MasterKeys masterKeys, BlindIndex blindIndex) : SaveChangesInterceptor, IMaterializationInterceptor
{
    /// <summary>What each borrower or photo set held when it was read or last sealed, and under which data key.</summary>
    private readonly ConditionalWeakTable<Borrower, SealedBorrower> sealedBorrowers = new();
    private readonly ConditionalWeakTable<BorrowerDocuments, SealedDocuments> sealedDocuments = new();

    public object InitializedInstance(MaterializationInterceptionData materializationData, object entity)
    {
        switch (entity)
        {
            case Borrower borrower:
                Open(borrower, materializationData);
                break;
            case BorrowerDocuments documents:
                Open(documents, materializationData);
                break;
        }

        return entity;
    }

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        SealChanges(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(
        DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        SealChanges(eventData.Context);
        return ValueTask.FromResult(result);
    }

    /// <summary>The data key of a borrower this context read or created: erasure and photo writes need it.</summary>
    internal DataKey? DataKeyOf(Borrower borrower) => sealedBorrowers.TryGetValue(borrower, out var sealedBorrower) ? sealedBorrower.Key : null;

    private void Open(Borrower borrower, MaterializationInterceptionData data)
    {
        var wrapped = data.GetPropertyValue<byte[]?>(BorrowerColumns.DataKey);
        if (wrapped is null)
        {
            // Erased: nothing personal is left to open.
            return;
        }

        var row = new RowAddress(BorrowerColumns.Table, borrower.Id);
        var key = masterKeys.Unwrap(wrapped, data.GetPropertyValue<string?>(BorrowerColumns.DataKeyId), row);
        var stored = data.GetPropertyValue<byte[]?>(BorrowerColumns.PersonalData)
            ?? throw new PersonalDataUnreadableException(row.Table, "personal_data", row.Id);
        var personal = key.Open(stored, new FieldAddress(row.Table, "personal_data", row.Id), static (_, plain) => SealedPersonalData.FromUtf8(plain));
        RestoredState.Restore(borrower, personal);
        if (IsTracked(data))
        {
            sealedBorrowers.AddOrUpdate(borrower, new SealedBorrower(key, personal));
        }
    }

    private void Open(BorrowerDocuments documents, MaterializationInterceptionData data)
    {
        var row = new RowAddress(BorrowerColumns.DocumentsTable, documents.Id);
        var key = masterKeys.Unwrap(data.GetPropertyValue<byte[]?>(BorrowerColumns.DataKey), data.GetPropertyValue<string?>(BorrowerColumns.DataKeyId), row);
        string OpenPhoto(string property, string column) =>
            key.OpenText(data.GetPropertyValue<byte[]?>(property) ?? throw new PersonalDataUnreadableException(row.Table, column, row.Id),
                new FieldAddress(row.Table, column, row.Id));

        RestoredState.Restore(documents, OpenPhoto(BorrowerColumns.FotoKtp, "foto_ktp"), OpenPhoto(BorrowerColumns.FotoSelfie, "foto_selfie"));
        if (IsTracked(data))
        {
            sealedDocuments.AddOrUpdate(documents, new SealedDocuments(documents.FotoKtp, documents.FotoSelfie));
        }
    }

    /// <summary>
    /// Whether what a query reads may be saved again, and so must be remembered as sealed. A read
    /// without tracking (the partners' profile read) is never saved: remembering it would cost a
    /// weak-table entry, a GC handle, for every read.
    /// </summary>
    private static bool IsTracked(MaterializationInterceptionData data) => data.QueryTrackingBehavior == QueryTrackingBehavior.TrackAll;

    /// <summary>
    /// Seals what changed among the tracked borrowers and photos. Their plain values are not tracked
    /// state, so this looks without change detection; SaveChanges detects the sealed columns' changes right after.
    /// </summary>
    private void SealChanges(DbContext? context)
    {
        if (context is null)
        {
            return;
        }

        var detecting = context.ChangeTracker.AutoDetectChangesEnabled;
        context.ChangeTracker.AutoDetectChangesEnabled = false;
        try
        {
            foreach (var entry in context.ChangeTracker.Entries<Borrower>())
            {
                SealChanges(entry);
            }

            foreach (var entry in context.ChangeTracker.Entries<BorrowerDocuments>())
            {
                if (entry.State is EntityState.Added or EntityState.Modified)
                {
                    Seal(context, entry);
                }
            }
        }
        finally
        {
            context.ChangeTracker.AutoDetectChangesEnabled = detecting;
        }
    }

    private void SealChanges(EntityEntry<Borrower> entry)
    {
        var borrower = entry.Entity;
        if (entry.State is EntityState.Deleted or EntityState.Detached)
        {
            return;
        }

        if (borrower.IsErased)
        {
            if (sealedBorrowers.TryGetValue(borrower, out _))
            {
                foreach (var column in (string[])[BorrowerColumns.PersonalData, BorrowerColumns.DataKey, BorrowerColumns.DataKeyId,
                             BorrowerColumns.IdNumberIndex, BorrowerColumns.PhoneNumberIndex, BorrowerColumns.EmailIndex])
                {
                    entry.Property(column).CurrentValue = null;
                }

                sealedBorrowers.Remove(borrower);
            }

            return;
        }

        var known = sealedBorrowers.TryGetValue(borrower, out var sealedBorrower);
        if (known && sealedBorrower!.Personal.IsHeldBy(borrower))
        {
            return;
        }

        var row = known ? Seal(borrower, sealedBorrower!.Key, wrapKey: false) : SealNew(borrower);
        entry.Property(BorrowerColumns.PersonalData).CurrentValue = row.PersonalData;
        if (!known)
        {
            entry.Property(BorrowerColumns.DataKey).CurrentValue = row.DataKey;
            entry.Property(BorrowerColumns.DataKeyId).CurrentValue = row.DataKeyId;
        }

        entry.Property(BorrowerColumns.IdNumberIndex).CurrentValue = row.IdNumberIndex;
        entry.Property(BorrowerColumns.PhoneNumberIndex).CurrentValue = row.PhoneNumberIndex;
        entry.Property(BorrowerColumns.EmailIndex).CurrentValue = row.EmailIndex;
    }

    /// <summary>
    /// The columns of a borrower about to be stored for the first time, under a new data key: what a
    /// registration writes itself, without the change tracker.
    /// </summary>
    public SealedBorrowerRow SealNew(Borrower borrower) => Seal(borrower, DataKey.New(), wrapKey: true);

    private SealedBorrowerRow Seal(Borrower borrower, DataKey key, bool wrapKey)
    {
        var row = new RowAddress(BorrowerColumns.Table, borrower.Id);
        var personal = SealedPersonalData.Of(borrower);
        var sealedRow = new SealedBorrowerRow(
            key.Seal(personal.ToUtf8(), new FieldAddress(row.Table, "personal_data", row.Id)),
            wrapKey ? masterKeys.Wrap(key, masterKeys.ActiveKeyId, row) : null,
            wrapKey ? masterKeys.ActiveKeyId : null,
            blindIndex.IdNumber(borrower.IdNumber),
            blindIndex.PhoneNumber(borrower.PhoneNumber),
            blindIndex.Email(borrower.Email));
        sealedBorrowers.AddOrUpdate(borrower, new SealedBorrower(key, personal));
        return sealedRow;
    }

    /// <summary>Photos are sealed under their borrower's data key, which a copy wrapped for their own row carries.</summary>
    private void Seal(DbContext context, EntityEntry<BorrowerDocuments> entry)
    {
        var documents = entry.Entity;
        if (sealedDocuments.TryGetValue(documents, out var sealedPhotos)
            && ReferenceEquals(sealedPhotos.FotoKtp, documents.FotoKtp) && ReferenceEquals(sealedPhotos.FotoSelfie, documents.FotoSelfie))
        {
            return;
        }

        var key = context.ChangeTracker.Entries<Borrower>()
            .Where(b => b.Entity.Id == documents.Id)
            .Select(b => DataKeyOf(b.Entity))
            .FirstOrDefault()
            ?? throw new InvalidOperationException("A borrower's photos are saved with the borrower they belong to, read or created in the same context.");
        var row = new RowAddress(BorrowerColumns.DocumentsTable, documents.Id);
        entry.Property(BorrowerColumns.FotoKtp).CurrentValue = key.SealPhoto(documents.FotoKtp, new FieldAddress(row.Table, "foto_ktp", row.Id));
        entry.Property(BorrowerColumns.FotoSelfie).CurrentValue = key.SealPhoto(documents.FotoSelfie, new FieldAddress(row.Table, "foto_selfie", row.Id));
        entry.Property(BorrowerColumns.DataKey).CurrentValue = masterKeys.Wrap(key, masterKeys.ActiveKeyId, row);
        entry.Property(BorrowerColumns.DataKeyId).CurrentValue = masterKeys.ActiveKeyId;
        sealedDocuments.AddOrUpdate(documents, new SealedDocuments(documents.FotoKtp, documents.FotoSelfie));
    }

    private sealed record SealedBorrower(DataKey Key, SealedPersonalData Personal);

    private sealed record SealedDocuments(string FotoKtp, string FotoSelfie);
}

/// <summary>A borrower's personal data as its row holds it: sealed, its data key wrapped (when new), its blind indexes.</summary>
public sealed record SealedBorrowerRow(
    byte[] PersonalData, byte[]? DataKey, string? DataKeyId, byte[] IdNumberIndex, byte[] PhoneNumberIndex, byte[] EmailIndex);
