DROP TABLE needs;
DROP TABLE organizations;
DROP TABLE categories;
