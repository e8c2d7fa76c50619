using System.Reflection;
using DompetKilat.Lending.Audit;
using DompetKilat.Lending.BackOffice;
using DompetKilat.Lending.Borrowers;
using DompetKilat.Lending.Callbacks;
using DompetKilat.Lending.Loans;
using DompetKilat.Lending.Notifications;
using DompetKilat.Lending.Partners;
using DompetKilat.Lending.Products;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace DompetKilat.Lending.Data;

public sealed class LendingDbContext(DbContextOptions<LendingDbContext> options) : DbContext(options)
{
    public DbSet<Product> Products => Set<Product>();

    public DbSet<Partner> Partners => Set<Partner>();

    public DbSet<PartnerKey> PartnerKeys => Set<PartnerKey>();

    public DbSet<AuditEvent> AuditEvents => Set<AuditEvent>();

    public DbSet<Borrower> Borrowers => Set<Borrower>();

    public DbSet<Loan> Loans => Set<Loan>();

    public DbSet<LoanCallback> LoanCallbacks => Set<LoanCallback>();

    public DbSet<PartnerEvent> PartnerEvents => Set<PartnerEvent>();

    public DbSet<PartnerEventDelivery> PartnerEventDeliveries => Set<PartnerEventDelivery>();

    public DbSet<Change> Changes => Set<Change>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(LendingDbContext).Assembly);
        // The Api takes ids from these blocks too (IdBlocks), for the rows it stores without the tracker.
        modelBuilder.HasSequence(BorrowerConfiguration.IdSequence).IncrementsBy(BorrowerConfiguration.IdBlock);
        modelBuilder.HasSequence(LoanConfiguration.IdSequence).IncrementsBy(BorrowerConfiguration.IdBlock);

        // Pooled contexts cannot take services in their constructor; the protector comes from the
        // application's container the context was registered in.
        var protector = this.GetService<IDbContextOptions>().FindExtension<CoreOptionsExtension>()?
            .ApplicationServiceProvider?.GetService(typeof(FieldProtector)) as FieldProtector;
        foreach (var property in modelBuilder.Model.GetEntityTypes().SelectMany(e => e.GetProperties()))
        {
            if (property.PropertyInfo?.GetCustomAttribute<EncryptedAtRestAttribute>(inherit: false) is not null)
            {
                property.SetValueConverter(protector?.Converter ?? FieldProtector.Unavailable);
            }
        }
    }
}
