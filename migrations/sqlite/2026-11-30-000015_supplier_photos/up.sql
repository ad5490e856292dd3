-- Photos of a maker's past work, on its public profile. Files live under <data>/uploads with
-- random names, re-encoded without metadata, like needs' drawings.
CREATE TABLE supplier_photos (
    id INTEGER PRIMARY KEY NOT NULL,
    user_id INTEGER NOT NULL REFERENCES users(id),
    original_name TEXT NOT NULL,
    stored_name TEXT NOT NULL,
    thumb_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX supplier_photos_user ON supplier_photos (user_id);
