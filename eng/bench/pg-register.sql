-- The physical limit for registration as the Api must do it: the borrower and its audit entry in
-- one transaction, into the Api's own tables with all their keys and indexes, in the Api's two
-- round trips (BEGIN and both inserts together, then COMMIT). Ids and identities come from a
-- sequence of the bench's own, far above the Api's ids and outside its NIK and phone ranges.
\startpipeline
BEGIN;
INSERT INTO borrowers (id, birth_date, borrower_type, created_at, email, full_name, id_number, is_verified, partner_id,
                       phone_number, product_id, updated_at)
SELECT 1000000000000 + n, DATE '1999-09-30', 'PERSONAL_BORROWER', now(), 'r' || n || '@example.co.id', 'Budi Santoso',
       '8' || lpad(n::text, 15, '0'), false, :partner, '629' || lpad(n::text, 11, '0'), :product, now()
FROM nextval('bench_register_seq') AS n;
INSERT INTO audit_events (action, actor, borrower_id, occurred_at, outcome, partner_id, trace_id)
VALUES ('POST /v1/borrower/register', 'BENCH', 1000000000000 + currval('bench_register_seq'), now(), '00', :partner,
        md5(random()::text));
\endpipeline
COMMIT;
