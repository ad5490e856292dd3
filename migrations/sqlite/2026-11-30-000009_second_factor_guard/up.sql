-- A TOTP code is accepted once: the last time step used is remembered. Failed second-factor
-- attempts lock that step (not the password login) for a growing while.
ALTER TABLE users ADD COLUMN totp_last_step BIGINT;
ALTER TABLE users ADD COLUMN second_factor_failures INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN second_factor_locked_until TIMESTAMP;
