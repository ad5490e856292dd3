-- Documents added to a desk case by its firm, the agency answering it or the desk. Stored under
-- random names beside the needs' uploads; served only to those who may see the case.
CREATE TABLE desk_files (
    id INTEGER PRIMARY KEY NOT NULL,
    case_id INTEGER NOT NULL REFERENCES desk_cases(id) ON DELETE CASCADE,
    uploaded_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    side TEXT NOT NULL,
    original_name TEXT NOT NULL,
    stored_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX desk_files_case ON desk_files (case_id);
