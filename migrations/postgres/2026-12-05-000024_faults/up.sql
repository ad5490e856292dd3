-- The server that claimed a mail for sending: a clean stop gives back what it claimed and did
-- not send, and a restarted server takes its own claims back at once.
ALTER TABLE outbox ADD COLUMN claimed_by TEXT;

-- One-time keys of submitted forms: a post retried after its client saw an error (while the
-- server had saved it) is recognized and leads to what was saved instead of a duplicate.
CREATE TABLE submissions (
    key TEXT PRIMARY KEY NOT NULL,
    owner TEXT NOT NULL,
    location TEXT,
    created_at TIMESTAMP NOT NULL
);
