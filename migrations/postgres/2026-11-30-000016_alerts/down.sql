DROP TABLE digest_runs;
DROP TABLE alerts;
DROP TABLE saved_searches;
ALTER TABLE users DROP COLUMN interests_digested_until;
ALTER TABLE users DROP COLUMN interest_mail;
