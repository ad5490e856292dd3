-- Periodic background work (expiry, follow-ups, digests, alerts, desk escalations) is done by one
-- server at a time: the holder of the lease, renewed while it works. A crashed holder's lease
-- runs out and another server takes it over.
CREATE TABLE job_leases (
    name TEXT PRIMARY KEY NOT NULL,
    holder TEXT NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
