-- What a supplier can make: a public profile of an inventor, workshop, manufacturer or lab,
-- with its processes and certifications from controlled lists (one row each, for filtering).
CREATE TABLE supplier_profiles (
    user_id INTEGER PRIMARY KEY REFERENCES users(id),
    summary TEXT NOT NULL DEFAULT '',
    materials TEXT NOT NULL DEFAULT '',
    machines TEXT NOT NULL DEFAULT '',
    capacity TEXT NOT NULL DEFAULT '',
    city TEXT NOT NULL DEFAULT '',
    localized_parts TEXT NOT NULL DEFAULT '',
    verified BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE supplier_processes (
    user_id INTEGER NOT NULL REFERENCES users(id),
    process TEXT NOT NULL,
    PRIMARY KEY (user_id, process)
);
CREATE INDEX supplier_processes_process ON supplier_processes (process);

CREATE TABLE supplier_certifications (
    user_id INTEGER NOT NULL REFERENCES users(id),
    certification TEXT NOT NULL,
    PRIMARY KEY (user_id, certification)
);
