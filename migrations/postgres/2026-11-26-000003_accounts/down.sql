DROP TABLE settings;
DROP TABLE outbox;
DROP TABLE email_tokens;
DROP TABLE sessions;
DROP TABLE recovery_codes;
DROP TABLE users;
