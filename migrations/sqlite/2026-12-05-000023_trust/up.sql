-- Needs that became news (first published, or published again after review), waiting for the
-- makers' alerts. Only these are announced: an import or a change that keeps a need public is
-- never news again.
CREATE TABLE need_news (
    need_id INTEGER PRIMARY KEY NOT NULL REFERENCES needs(id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL
);

-- The member of the firm who agreed to an introduction: the maker sees that person's contacts.
ALTER TABLE introductions ADD COLUMN buyer_id INTEGER REFERENCES users(id);
-- Follow-ups asked so far (introductions still negotiating are asked again).
ALTER TABLE introductions ADD COLUMN followups_sent INTEGER NOT NULL DEFAULT 0;
UPDATE introductions SET followups_sent = 1 WHERE followup_sent_at IS NOT NULL;

-- A firm with desk cases is never deleted (its cases would go with it): a merge moves them first.
CREATE TRIGGER organizations_keep_desk_cases
BEFORE DELETE ON organizations
WHEN EXISTS (SELECT 1 FROM desk_cases WHERE organization_id = OLD.id)
BEGIN
    SELECT RAISE(ABORT, 'desk cases still belong to this organization');
END;
