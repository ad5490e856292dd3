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
ALTER TABLE desk_cases DROP CONSTRAINT desk_cases_organization_id_fkey;
ALTER TABLE desk_cases ADD CONSTRAINT desk_cases_organization_id_fkey
    FOREIGN KEY (organization_id) REFERENCES organizations(id) ON DELETE RESTRICT;
