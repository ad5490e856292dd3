DROP TABLE introductions;
DROP TABLE interests;
