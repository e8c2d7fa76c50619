-- The physical limit for registration as the Api must do it: the borrower (its personal data sealed,
-- its data key wrapped, its blind indexes) and its audit entry in one transaction, into the Api's own
-- tables with all their keys and indexes, in the Api's two round trips (BEGIN and both inserts
-- together, then COMMIT). Ids and identities come from a sequence of the bench's own, far above the
-- Api's ids; the sealed values are as long as the Api's.
\startpipeline
BEGIN;
INSERT INTO borrowers (id, borrower_type, created_at, is_verified, partner_id, product_id, updated_at,
                       personal_data, data_key, data_key_id, id_number_index, phone_number_index, email_index)
SELECT 1000000000000 + n, 'PERSONAL_BORROWER', now(), false, :partner, :product, now(),
       convert_to(repeat(md5(n::text), 8), 'UTF8'), convert_to(substr(repeat(md5(n::text), 2), 1, 60), 'UTF8'), 'primary',
       sha256(('i' || n)::bytea), sha256(('p' || n)::bytea), sha256(('e' || n)::bytea)
FROM nextval('bench_register_seq') AS n;
INSERT INTO audit_events (action, actor, borrower_id, occurred_at, outcome, partner_id, trace_id)
VALUES ('POST /v1/borrower/register', 'BENCH', 1000000000000 + currval('bench_register_seq'), now(), '00', :partner,
        md5(random()::text));
\endpipeline
COMMIT;
