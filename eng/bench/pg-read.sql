-- The physical limit for profile reads: one row of borrowers by its unique NIK index, over the
-- same hot set the Api reads. NIKs are stored as blind indexes, so borrower i's comes from the
-- bench's own small table (bench_hot): one probe more than the Api's own lookup.
\set i random(1, :hot)
SELECT * FROM borrowers WHERE id_number_index = (SELECT id_number_index FROM bench_hot WHERE i = :i);
