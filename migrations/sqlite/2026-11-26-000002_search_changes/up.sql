-- Change log of needs for the search index. A row is written in the same transaction as every
-- change to a need; the indexer applies rows in id order and records the last id it applied in
-- the index itself, so a crash between the database commit and the index commit loses nothing.
CREATE TABLE search_changes (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    need_id INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL
);
