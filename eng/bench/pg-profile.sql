-- The physical limit for profile reads as the Api does them: its own statement (the borrower's row
-- with its sealed personal data, photos, product, latest loan and its references, scoped to the
-- partner), prepared and on its generic plan as the Api's is, over the same hot set. Each read's
-- audit entry (appended in batches off the request path) is left out, so the Api cannot reach this
-- rate; borrower i's blind index comes from bench_hot, one small probe the Api does not make.
\set i random(1, :hot)
SELECT b.id, b.borrower_type, b.created_at, b.data_key, b.data_key_id, b.deleted_at, b.email_index, b.erased_at, b.id_number_index, b.is_verified, b.latest_loan_id, b.partner_id, b.personal_data, b.phone_number_index, b.product_id, b.updated_at, b.asset_asset_range, b.asset_home_ownership, b.education_education, b.income_income_range, b.job_job, b.job_job_online, b.job_job_type, b.job_office_name, b.job_start_date, b.job_work_experience, b.marital_marital_status, b.religion_religion, b0.id, b0.data_key, b0.data_key_id, b0.foto_ktp, b0.foto_selfie, p.code, l.id IS NULL, l.plafons, l.tenor, l.tenor_unit, l.amount, l.contract_no, l.contract_date, l.interest, l0.id, l0.business_address, l0.business_city, l0.business_ownership, l0.business_province, l0.business_subdistrict, l0.business_village, l0.job_position
FROM borrowers AS b
LEFT JOIN borrower_documents AS b0 ON b.id = b0.id
INNER JOIN products AS p ON b.product_id = p.id
LEFT JOIN loans AS l ON b.latest_loan_id = l.id
LEFT JOIN loan_references AS l0 ON l.id = l0.id
WHERE b.id_number_index = (SELECT id_number_index FROM bench_hot WHERE i = :i) AND b.partner_id = :partner
LIMIT 2;
