-- The physical limit for loan applications: what dominates one, a borrower's two photos replaced in
-- one statement, each as many bytes as the Api stores for a bench photo (:reps x 32 bytes; the
-- column stores them uncompressed, so their content does not matter), over the same hot set.
\set i random(1, :hot)
UPDATE bench_documents
SET foto_ktp = convert_to(repeat(md5(random()::text), :reps), 'UTF8'),
    foto_selfie = convert_to(repeat(md5(random()::text), :reps), 'UTF8')
WHERE id = :i;
