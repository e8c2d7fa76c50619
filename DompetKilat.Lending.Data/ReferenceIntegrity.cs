using Microsoft.EntityFrameworkCore;

namespace DompetKilat.Lending.Data;

/// <summary>
/// The references the schema keeps without a foreign key, checked after the fact. A key on them
/// share-locked the same few rows for every write (the partner's and the product's for every
/// registration and application, the partner's for every event, and every borrower an audit batch
/// names): under concurrency each lock became a multixact, and PostgreSQL alone did the Api's
/// registration at 2,557–2,716 a second with them and 3,969–4,000 without (issue 33's
/// measurement). What guarantees them instead: the Api writes only partners and products its
/// registry admits and ids it has just read or stored, and no partner, product, borrower or loan is
/// ever deleted. This check reports any reference that dangles all the same.
/// </summary>
public static class ReferenceIntegrity
{
    private const string Check = """
        SELECT 'borrowers.partner_id' AS reference, count(*) AS dangling, min(b.id) AS example_id FROM borrowers b
            WHERE NOT EXISTS (SELECT FROM partners p WHERE p.id = b.partner_id)
        UNION ALL SELECT 'borrowers.product_id', count(*), min(b.id) FROM borrowers b
            WHERE NOT EXISTS (SELECT FROM products p WHERE p.id = b.product_id)
        UNION ALL SELECT 'loans.product_id', count(*), min(l.id) FROM loans l
            WHERE NOT EXISTS (SELECT FROM products p WHERE p.id = l.product_id)
        UNION ALL SELECT 'partner_events.partner_id', count(*), min(e.id) FROM partner_events e
            WHERE NOT EXISTS (SELECT FROM partners p WHERE p.id = e.partner_id)
        UNION ALL SELECT 'audit_events.partner_id', count(*), min(e.id) FROM audit_events e
            WHERE e.partner_id IS NOT NULL AND NOT EXISTS (SELECT FROM partners p WHERE p.id = e.partner_id)
        UNION ALL SELECT 'audit_events.borrower_id', count(*), min(e.id) FROM audit_events e
            WHERE e.borrower_id IS NOT NULL AND NOT EXISTS (SELECT FROM borrowers b WHERE b.id = e.borrower_id)
        UNION ALL SELECT 'audit_events.loan_id', count(*), min(e.id) FROM audit_events e
            WHERE e.loan_id IS NOT NULL AND NOT EXISTS (SELECT FROM loans l WHERE l.id = e.loan_id)
        """;

    /// <summary>Each reference with rows naming a record that does not exist: how many, and the id of one such row.</summary>
    public static async Task<List<DanglingReference>> FindDanglingAsync(LendingDbContext db, CancellationToken cancellationToken) =>
        (await db.Database.SqlQueryRaw<DanglingReference>(Check).ToListAsync(cancellationToken)).Where(r => r.Dangling > 0).ToList();
}

/// <param name="Reference">Table and column, e.g. <c>borrowers.partner_id</c>.</param>
/// <param name="ExampleId">The id of one row whose reference dangles, to start looking from.</param>
public sealed record DanglingReference(string Reference, long Dangling, long? ExampleId);
