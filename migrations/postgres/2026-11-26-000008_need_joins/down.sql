DROP TABLE need_joins;
