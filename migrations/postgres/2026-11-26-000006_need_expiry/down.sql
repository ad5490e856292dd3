DROP INDEX needs_status_expires;
ALTER TABLE needs DROP COLUMN reminder_sent_at;
ALTER TABLE needs DROP COLUMN expires_at;
