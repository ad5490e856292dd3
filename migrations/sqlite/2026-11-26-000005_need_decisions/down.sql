DROP TABLE need_decisions;
