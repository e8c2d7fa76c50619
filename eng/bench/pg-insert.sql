-- The physical limit for registration and callback intake: one single-row insert, committed on
-- its own, into bench_borrowers (a copy of borrowers with the same unique indexes on id_number,
-- phone_number and email). A sequence makes every row a new person, as registration's are, and
-- gives its id (the Api's ids come from a sequence too).
INSERT INTO bench_borrowers (id, borrower_type, partner_id, product_id, id_number, phone_number, email, full_name,
                             birth_date, is_verified, created_at, updated_at)
SELECT n, 'PERSONAL_BORROWER', 1, 1, '9' || lpad(n::text, 15, '0'), '629' || lpad(n::text, 11, '0'),
       'b' || n || '@example.co.id', 'Budi Santoso', DATE '1999-09-30', false, now(), now()
FROM nextval('bench_borrowers_seq') AS n;
