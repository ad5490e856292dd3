-- An organizer's proposal to introduce a need's firm and a maker: it happens only when both
-- accept.
CREATE TABLE proposals (
    id INTEGER PRIMARY KEY NOT NULL,
    need_id INTEGER NOT NULL REFERENCES needs(id),
    supplier_id INTEGER NOT NULL REFERENCES users(id),
    proposed_by INTEGER NOT NULL REFERENCES users(id),
    buyer_accepted_by INTEGER REFERENCES users(id),
    supplier_accepted_at TIMESTAMP,
    declined_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX proposals_need ON proposals (need_id);
