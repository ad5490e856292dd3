-- Drawings and photos of a need. Files live under <data>/uploads with random names; this row
-- says what they are and who may see them ('public', or 'introduced': after an introduction).
CREATE TABLE attachments (
    id INTEGER PRIMARY KEY NOT NULL,
    need_id INTEGER NOT NULL REFERENCES needs(id),
    kind TEXT NOT NULL,
    content_type TEXT NOT NULL,
    original_name TEXT NOT NULL,
    stored_name TEXT NOT NULL,
    thumb_name TEXT,
    size_bytes BIGINT NOT NULL,
    width INTEGER,
    height INTEGER,
    visibility TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX attachments_need ON attachments (need_id);
