-- Alerts: saved searches, the needs announced to each user (never twice), and the digests
-- already sent (one per user, kind and period, enforced by the key so that two workers or a
-- restart in the middle of a run cannot send a second one).
ALTER TABLE users ADD COLUMN interest_mail TEXT NOT NULL DEFAULT 'each';
ALTER TABLE users ADD COLUMN interests_digested_until TIMESTAMP;

CREATE TABLE saved_searches (
    id SERIAL PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    query TEXT NOT NULL,
    frequency TEXT NOT NULL,
    paused BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX saved_searches_user ON saved_searches (user_id);

CREATE TABLE alerts (
    id SERIAL PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    need_id INTEGER NOT NULL REFERENCES needs(id) ON DELETE CASCADE,
    saved_search_id INTEGER REFERENCES saved_searches(id) ON DELETE SET NULL,
    reason TEXT NOT NULL,
    delivery TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    mailed_at TIMESTAMP,
    UNIQUE (user_id, need_id)
);
CREATE INDEX alerts_pending ON alerts (delivery, mailed_at);

CREATE TABLE digest_runs (
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    period TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, kind, period)
);
