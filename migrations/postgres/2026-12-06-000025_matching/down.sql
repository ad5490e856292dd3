ALTER TABLE supplier_profiles DROP COLUMN batch_max;
ALTER TABLE supplier_profiles DROP COLUMN batch_min;
ALTER TABLE supplier_profiles DROP COLUMN tolerance_um;
ALTER TABLE supplier_profiles DROP COLUMN max_weight_kg;
ALTER TABLE supplier_profiles DROP COLUMN max_length_mm;
ALTER TABLE supplier_profiles DROP COLUMN max_diameter_mm;
ALTER TABLE needs DROP COLUMN processes;
