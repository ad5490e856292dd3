DROP INDEX needs_import_ref;
ALTER TABLE needs DROP COLUMN import_ref;
