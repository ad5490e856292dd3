DROP TABLE edition_needs;
DROP TABLE edition_sections;
DROP TABLE editions;
