-- Moderation decisions: who approved or rejected which need, when and why.
CREATE TABLE need_decisions (
    id INTEGER PRIMARY KEY NOT NULL,
    need_id INTEGER NOT NULL REFERENCES needs(id),
    user_id INTEGER NOT NULL REFERENCES users(id),
    decision TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX need_decisions_need ON need_decisions (need_id, created_at);
