-- The processes a need takes, as its firm (or the organizers) chose them, stored names joined
-- by commas; empty means they are read from the part's family when matching.
ALTER TABLE needs ADD COLUMN processes TEXT NOT NULL DEFAULT '';

-- What a maker's machines hold: largest part, finest tolerance (micrometres) and surface (Ra,
-- nanometres), largest injection shot (grams) and press (tonnes), batches.
ALTER TABLE supplier_profiles ADD COLUMN max_diameter_mm INTEGER;
ALTER TABLE supplier_profiles ADD COLUMN max_length_mm INTEGER;
ALTER TABLE supplier_profiles ADD COLUMN max_weight_kg INTEGER;
ALTER TABLE supplier_profiles ADD COLUMN tolerance_um INTEGER;
ALTER TABLE supplier_profiles ADD COLUMN surface_ra_nm INTEGER;
ALTER TABLE supplier_profiles ADD COLUMN shot_g INTEGER;
ALTER TABLE supplier_profiles ADD COLUMN press_tonnes INTEGER;
ALTER TABLE supplier_profiles ADD COLUMN batch_min INTEGER;
ALTER TABLE supplier_profiles ADD COLUMN batch_max INTEGER;
