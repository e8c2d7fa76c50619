-- The physical limit for profile reads: one row of borrowers by its unique NIK index, over the
-- same hot set the Api reads (NIK 3000 + 12-digit index, 1..:hot).
\set i random(1, :hot)
SELECT * FROM borrowers WHERE id_number = '3000' || lpad(:i::text, 12, '0');
