-- How an introduction went, as each side says when asked after a few weeks.
ALTER TABLE introductions ADD COLUMN followup_sent_at TIMESTAMP;
ALTER TABLE introductions ADD COLUMN buyer_outcome TEXT;
ALTER TABLE introductions ADD COLUMN maker_outcome TEXT;

-- One-click answers from the follow-up mail: single use, expiring, stored hashed.
CREATE TABLE followup_tokens (
    token_hash TEXT PRIMARY KEY NOT NULL,
    introduction_id INTEGER NOT NULL REFERENCES introductions(id),
    user_id INTEGER NOT NULL REFERENCES users(id),
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);
