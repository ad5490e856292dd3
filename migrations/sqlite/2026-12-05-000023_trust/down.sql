DROP TRIGGER organizations_keep_desk_cases;
ALTER TABLE introductions DROP COLUMN followups_sent;
ALTER TABLE introductions DROP COLUMN buyer_id;
DROP TABLE need_news;
