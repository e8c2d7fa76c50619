-- A photo is stored encrypted, which no compressor can shrink; PostgreSQL still tried to compress
-- every one (hundreds of KB) before giving up, a third of its work on a loan application. Out of
-- line and uncompressed is the storage meant for such values.
ALTER TABLE borrower_documents
    ALTER COLUMN foto_ktp SET STORAGE EXTERNAL,
    ALTER COLUMN foto_selfie SET STORAGE EXTERNAL;
