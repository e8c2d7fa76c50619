-- The loan lifecycle's columns were added to a table that already held loans, which gave them
-- these defaults, and every database so far has had them. EF Core writes the columns on every
-- insert, but a hand-written insert (a test's fixture, an operator's repair) may leave them out.
ALTER TABLE loans
    ALTER COLUMN bank_code SET DEFAULT '',
    ALTER COLUMN payment_account_number SET DEFAULT '',
    ALTER COLUMN loan_amount_paid SET DEFAULT 0,
    ALTER COLUMN number_of_pay SET DEFAULT 0;
