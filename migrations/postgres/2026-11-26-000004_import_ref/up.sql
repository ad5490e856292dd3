-- The organizer's own reference of a need imported from a spreadsheet: re-importing a row with
-- the same reference updates that need instead of adding a copy.
ALTER TABLE needs ADD COLUMN import_ref TEXT;
CREATE UNIQUE INDEX needs_import_ref ON needs (import_ref);
