-- "We need this too": other firms that import the same part join a need instead of posting a
-- copy, with their own yearly quantity and price.
CREATE TABLE need_joins (
    need_id INTEGER NOT NULL REFERENCES needs(id),
    organization_id INTEGER NOT NULL REFERENCES organizations(id),
    quantity_per_year BIGINT NOT NULL,
    unit_price BIGINT,
    currency TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (need_id, organization_id)
);
