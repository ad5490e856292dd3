-- A published need expires after a configurable period unless its firm renews it; the firm is
-- reminded before that.
ALTER TABLE needs ADD COLUMN expires_at TIMESTAMP;
ALTER TABLE needs ADD COLUMN reminder_sent_at TIMESTAMP;
CREATE INDEX needs_status_expires ON needs (status, expires_at);
