-- "I can make this": a maker's offer on a need, which the firm accepts or declines.
CREATE TABLE interests (
    id INTEGER PRIMARY KEY NOT NULL,
    need_id INTEGER NOT NULL REFERENCES needs(id),
    supplier_id INTEGER NOT NULL REFERENCES users(id),
    message TEXT NOT NULL,
    processes TEXT NOT NULL DEFAULT '',
    lead_time_days INTEGER,
    sample BOOLEAN NOT NULL DEFAULT FALSE,
    unit_price BIGINT,
    currency TEXT NOT NULL DEFAULT 'IRR',
    status TEXT NOT NULL,
    decline_reason TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    decided_at TIMESTAMP
);
CREATE INDEX interests_need ON interests (need_id);
CREATE INDEX interests_supplier ON interests (supplier_id);

-- An introduction Niaz made between a firm's need and a maker, once both agreed: only then are
-- contacts shared.
CREATE TABLE introductions (
    id INTEGER PRIMARY KEY NOT NULL,
    need_id INTEGER NOT NULL REFERENCES needs(id),
    supplier_id INTEGER NOT NULL REFERENCES users(id),
    interest_id INTEGER REFERENCES interests(id),
    introduced_at TIMESTAMP NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX introductions_pair ON introductions (need_id, supplier_id);
