-- A firm's report of a maker's conduct, for the organizers; and a suspension, which takes a
-- maker out of the directory and stops its offers.
CREATE TABLE supplier_reports (
    id SERIAL PRIMARY KEY,
    supplier_id INTEGER NOT NULL REFERENCES users(id),
    reporter_id INTEGER NOT NULL REFERENCES users(id),
    reason TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    resolved_at TIMESTAMP
);
ALTER TABLE users ADD COLUMN suspended_at TIMESTAMP;
