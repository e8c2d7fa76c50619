using DompetKilat.Domain.Borrowers;
using DompetKilat.Domain.Callbacks;
using DompetKilat.Domain.Loans;
using DompetKilat.Domain.Products;
using Microsoft.EntityFrameworkCore;

namespace DompetKilat.Domain.Persistence;

public sealed class LendingDbContext(DbContextOptions<LendingDbContext> options) : DbContext(options)
{
    public DbSet<Product> Products => Set<Product>();

    public DbSet<Borrower> Borrowers => Set<Borrower>();

    public DbSet<Loan> Loans => Set<Loan>();

    public DbSet<LoanCallback> LoanCallbacks => Set<LoanCallback>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(LendingDbContext).Assembly);
}
