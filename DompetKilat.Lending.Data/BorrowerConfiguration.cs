using DompetKilat.Lending.Borrowers;
using DompetKilat.Lending.Data.PersonalData;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DompetKilat.Lending.Data;

internal sealed class BorrowerConfiguration : IEntityTypeConfiguration<Borrower>
{
    /// <summary>Unique indexes of the blind indexes; a violation of one names the field that is already registered.</summary>
    public const string IdNumberIndex = "ux_borrowers_id_number";
    public const string PhoneNumberIndex = "ux_borrowers_phone_number";
    public const string EmailIndex = "ux_borrowers_email";

    public const string IdSequence = "borrowers_hilo";

    /// <summary>Ids taken from the sequence at a time (<see cref="IdBlocks"/>): one round trip per block, not per borrower.</summary>
    public const int IdBlock = 100;

    public void Configure(EntityTypeBuilder<Borrower> builder)
    {
        builder.ToTable("borrowers");
        // Ids come from a sequence ten at a time, so a registration's insert and its audit entry
        // (which names the new id) go to PostgreSQL together instead of one after the other.
        builder.Property(b => b.Id).UseHiLo(IdSequence);
        builder.Property(b => b.BorrowerType).HasMaxLength(32);

        // Personal data is sealed under the borrower's own data key (PersonalDataInterceptor): the
        // model's plain values are not mapped, so none of them reaches the database in clear.
        builder.Ignore(b => b.IdNumber);
        builder.Ignore(b => b.PhoneNumber);
        builder.Ignore(b => b.Email);
        builder.Ignore(b => b.FullName);
        builder.Ignore(b => b.BirthDate);
        builder.Ignore(b => b.PersonalDetails);
        builder.Ignore(b => b.Bank);
        builder.Ignore(b => b.EmergencyContact);
        builder.Ignore(b => b.RaisedEvents);
        builder.Property<byte[]?>(BorrowerColumns.PersonalData);
        builder.Property<byte[]?>(BorrowerColumns.DataKey);
        builder.Property<string?>(BorrowerColumns.DataKeyId).HasMaxLength(64);
        builder.Property<byte[]?>(BorrowerColumns.IdNumberIndex);
        builder.Property<byte[]?>(BorrowerColumns.PhoneNumberIndex);
        builder.Property<byte[]?>(BorrowerColumns.EmailIndex);

        builder.HasIndex(BorrowerColumns.IdNumberIndex).IsUnique().HasDatabaseName(IdNumberIndex);
        builder.HasIndex(BorrowerColumns.PhoneNumberIndex).IsUnique().HasDatabaseName(PhoneNumberIndex);
        builder.HasIndex(BorrowerColumns.EmailIndex).IsUnique().HasDatabaseName(EmailIndex);

        // The profile's other parts live in the borrower's row: the partners' hot read is then one
        // row and its photos, not thirteen tables, each of which PostgreSQL had to join and plan.
        builder.OwnsOne(b => b.Job);
        builder.OwnsOne(b => b.Income);
        builder.OwnsOne(b => b.Asset);
        builder.OwnsOne(b => b.Marital);
        builder.OwnsOne(b => b.Education);
        builder.OwnsOne(b => b.Religion);
        // The photos are not owned: an owned part is loaded with every tracked borrower, and a loan
        // application would read (and decrypt) the previous photos only to replace them.
        builder.HasOne(b => b.Documents).WithOne().HasForeignKey<BorrowerDocuments>(d => d.Id).OnDelete(DeleteBehavior.Cascade);

        // No foreign key to the partner or the product: every registration would share-lock those same
        // two rows, and under concurrency each lock became a multixact (ReferenceIntegrity has the
        // measurement). The partner registry only admits existing partners and active products, no
        // partner or product is ever deleted, and the worker's integrity check reports any dangling
        // reference. The latest loan's key stays: it is checked against the application's own new loan.
        builder.HasOne(b => b.LatestLoan).WithMany().HasForeignKey(b => b.LatestLoanId).OnDelete(DeleteBehavior.Restrict);
    }
}

public sealed class BorrowerDocumentsConfiguration : IEntityTypeConfiguration<BorrowerDocuments>
{
    /// <summary>One set of photos per borrower: a second insert of a borrower's photos violates it.</summary>
    public const string PrimaryKey = "pk_borrower_documents";

    public void Configure(EntityTypeBuilder<BorrowerDocuments> builder)
    {
        builder.ToTable(BorrowerColumns.DocumentsTable);
        builder.HasKey(d => d.Id).HasName(PrimaryKey);
        builder.Property(d => d.Id).ValueGeneratedNever();
        // Sealed under the borrower's data key, wrapped again for this row (PersonalDataInterceptor).
        builder.Ignore(d => d.FotoKtp);
        builder.Ignore(d => d.FotoSelfie);
        builder.Property<byte[]>(BorrowerColumns.FotoKtp).HasColumnName("foto_ktp");
        builder.Property<byte[]>(BorrowerColumns.FotoSelfie).HasColumnName("foto_selfie");
        builder.Property<byte[]>(BorrowerColumns.DataKey);
        builder.Property<string>(BorrowerColumns.DataKeyId).HasMaxLength(64);
    }
}
