-- The physical limit for registration and callback intake: one single-row insert, committed on
-- its own, into bench_borrowers (a copy of borrowers with the same unique indexes on the NIK, phone
-- and email blind indexes). A sequence makes every row a new person, as registration's are, and
-- gives its id (the Api's ids come from a sequence too); the sealed values are as long as the Api's.
INSERT INTO bench_borrowers (id, borrower_type, partner_id, product_id, is_verified, created_at, updated_at,
                             personal_data, data_key, data_key_id, id_number_index, phone_number_index, email_index)
SELECT n, 'PERSONAL_BORROWER', 1, 1, false, now(), now(),
       convert_to(repeat(md5(n::text), 8), 'UTF8'), convert_to(substr(repeat(md5(n::text), 2), 1, 60), 'UTF8'), 'primary',
       sha256(('i' || n)::bytea), sha256(('p' || n)::bytea), sha256(('e' || n)::bytea)
FROM nextval('bench_borrowers_seq') AS n;
