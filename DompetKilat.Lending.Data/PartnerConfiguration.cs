using DompetKilat.Lending.Partners;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DompetKilat.Lending.Data;

public sealed class PartnerConfiguration : IEntityTypeConfiguration<Partner>, IEntityTypeConfiguration<PartnerKey>
{
    public const string CodeIndex = "ux_partners_code";
    public const string KeyHashIndex = "ux_partner_keys_key_hash";

    /// <summary>Notified (by triggers) whenever a partner or a key changes.</summary>
    public const string NotificationChannel = "partners_changed";

    public void Configure(EntityTypeBuilder<Partner> builder)
    {
        builder.ToTable("partners");
        builder.Property(p => p.Code).HasColumnName("partner_code").HasMaxLength(32);
        builder.Property(p => p.Name).HasMaxLength(PartnerRules.MaxNameLength);
        builder.Property(p => p.WebhookUrl).HasMaxLength(PartnerRules.MaxWebhookUrlLength);
        builder.HasIndex(p => p.Code).IsUnique().HasDatabaseName(CodeIndex);
        builder.Ignore(p => p.IsDisabled);
        builder.HasMany(p => p.Keys).WithOne().HasForeignKey(k => k.PartnerId).OnDelete(DeleteBehavior.Restrict);
    }

    public void Configure(EntityTypeBuilder<PartnerKey> builder)
    {
        builder.ToTable("partner_keys");
        builder.Property(k => k.KeyHash).HasMaxLength(32);
        builder.HasIndex(k => k.KeyHash).IsUnique().HasDatabaseName(KeyHashIndex);
    }
}
