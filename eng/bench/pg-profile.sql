-- The physical limit for profile reads as the Api does them: its own statement (the borrower's row
-- with its sealed personal data, photos, product, latest loan and its references, scoped to the
-- partner), prepared and on its generic plan as the Api's is, over the same hot set. Each read's
-- audit entry (appended in batches off the request path) is left out, so the Api cannot reach this
-- rate; borrower i's blind index comes from bench_hot, one small probe the Api does not make.
\set i random(1, :hot)
SELECT b.id, b.created_at, b.borrower_type, p.code, b.data_key, b.data_key_id, b.personal_data,
       b.job_office_name, b.job_start_date, b.job_job, b.job_job_type, b.job_job_online, b.job_work_experience,
       b.income_income_range, b.asset_asset_range, b.asset_home_ownership,
       b.marital_marital_status, b.education_education, b.religion_religion,
       d.data_key, d.data_key_id, d.foto_ktp, d.foto_selfie,
       l.plafons, l.tenor, l.tenor_unit, l.amount, l.contract_no, l.contract_date, l.interest,
       r.business_address, r.business_village, r.business_subdistrict, r.business_city, r.business_province,
       r.business_ownership, r.job_position
FROM borrowers b
JOIN products p ON p.id = b.product_id
LEFT JOIN borrower_documents d ON d.id = b.id
LEFT JOIN loans l ON l.id = b.latest_loan_id
LEFT JOIN loan_references r ON r.id = l.id
WHERE b.id_number_index = (SELECT id_number_index FROM bench_hot WHERE i = :i) AND b.partner_id = :partner;
