-- The physical limit for registration as the Api does it: its partner's write lock, then one
-- statement that checks the caller, inserts the borrower (its personal data sealed, its data key
-- wrapped, its blind indexes) and its audit entry, into the Api's own tables with all their indexes;
-- sent together with one sync, so one round trip and one implicit transaction, and prepared, as the
-- Api's batch is.
-- Ids and identities come from a sequence of the bench's own, far above the Api's ids; the sealed
-- values are as long as the Api's.
\startpipeline
SELECT pg_advisory_xact_lock_shared(1346458196, :partner);
WITH admission AS (SELECT p.disabled_at IS NULL AS enabled FROM partners p WHERE p.id = :partner),
n AS (SELECT nextval('bench_register_seq') AS n),
borrower AS (
    INSERT INTO borrowers (id, borrower_type, created_at, is_verified, partner_id, product_id, updated_at,
                           personal_data, data_key, data_key_id, id_number_index, phone_number_index, email_index)
    SELECT 1000000000000 + n, 'PERSONAL_BORROWER', now(), false, :partner, :product, now(),
           convert_to(repeat(md5(n::text), 8), 'UTF8'), convert_to(substr(repeat(md5(n::text), 2), 1, 60), 'UTF8'), 'primary',
           sha256(('i' || n)::bytea), sha256(('p' || n)::bytea), sha256(('e' || n)::bytea)
    FROM n, admission WHERE enabled
    RETURNING id),
entry AS (
    INSERT INTO audit_events (action, actor, borrower_id, occurred_at, outcome, partner_id, trace_id)
    SELECT 'POST /v1/borrower/register', 'BENCH', id, now(), '00', :partner, md5(random()::text) FROM borrower)
SELECT enabled FROM admission;
\endpipeline
