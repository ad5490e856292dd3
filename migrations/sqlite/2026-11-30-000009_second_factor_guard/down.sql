ALTER TABLE users DROP COLUMN second_factor_locked_until;
ALTER TABLE users DROP COLUMN second_factor_failures;
ALTER TABLE users DROP COLUMN totp_last_step;
