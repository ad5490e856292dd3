-- Accounts, server-side sessions, single-use email tokens, the mail outbox and site settings.

CREATE TABLE users (
    id SERIAL PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    email_verified_at TIMESTAMP,
    password_hash TEXT NOT NULL,
    name TEXT NOT NULL,
    phone TEXT NOT NULL DEFAULT '',
    lang TEXT NOT NULL DEFAULT 'fa',
    role TEXT NOT NULL,
    organization_id INTEGER REFERENCES organizations(id),
    notify_alerts BOOLEAN NOT NULL DEFAULT TRUE,
    notify_news BOOLEAN NOT NULL DEFAULT FALSE,
    totp_secret TEXT,
    totp_enabled BOOLEAN NOT NULL DEFAULT FALSE,
    deleted_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX users_organization ON users (organization_id);

-- One-time recovery codes for two-factor sign-in, stored hashed.
CREATE TABLE recovery_codes (
    id SERIAL PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    code_hash TEXT NOT NULL,
    used_at TIMESTAMP
);
CREATE INDEX recovery_codes_user ON recovery_codes (user_id);

-- Sessions live here so they can be revoked. The cookie holds a random id; only its SHA-256 is
-- stored. user_id is NULL for a visitor who opened a form (the CSRF token needs a session).
CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY NOT NULL,
    user_id INTEGER REFERENCES users(id),
    pending_user_id INTEGER REFERENCES users(id),
    csrf_token TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Single-use, expiring tokens sent by email (verification, password reset, invitation), hashed.
CREATE TABLE email_tokens (
    token_hash TEXT PRIMARY KEY NOT NULL,
    purpose TEXT NOT NULL,
    user_id INTEGER REFERENCES users(id),
    email TEXT NOT NULL,
    organization_id INTEGER REFERENCES organizations(id),
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);

-- Mail to send, written in the same transaction as the change that causes it.
CREATE TABLE outbox (
    id SERIAL PRIMARY KEY,
    to_email TEXT NOT NULL,
    to_name TEXT NOT NULL DEFAULT '',
    template TEXT NOT NULL,
    lang TEXT NOT NULL,
    context TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    last_error TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);

CREATE TABLE settings (
    name TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);
