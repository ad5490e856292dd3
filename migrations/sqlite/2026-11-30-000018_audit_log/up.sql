-- What organizers and admins did: who (the account, and its address at the time), what (the
-- route of the action), on what (the route's parameters), with what outcome, when.
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY NOT NULL,
    actor_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    outcome TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX audit_log_created ON audit_log (created_at);
CREATE INDEX audit_log_actor ON audit_log (actor_id);
