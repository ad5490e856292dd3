DROP TABLE followup_tokens;
ALTER TABLE introductions DROP COLUMN maker_outcome;
ALTER TABLE introductions DROP COLUMN buyer_outcome;
ALTER TABLE introductions DROP COLUMN followup_sent_at;
