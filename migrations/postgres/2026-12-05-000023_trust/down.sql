ALTER TABLE desk_cases DROP CONSTRAINT desk_cases_organization_id_fkey;
ALTER TABLE desk_cases ADD CONSTRAINT desk_cases_organization_id_fkey
    FOREIGN KEY (organization_id) REFERENCES organizations(id) ON DELETE CASCADE;
ALTER TABLE introductions DROP COLUMN followups_sent;
ALTER TABLE introductions DROP COLUMN buyer_id;
DROP TABLE need_news;
