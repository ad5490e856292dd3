ALTER TABLE users DROP COLUMN suspended_at;
DROP TABLE supplier_reports;
