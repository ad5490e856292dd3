DROP TABLE desk_decisions;
DROP TABLE desk_sessions;
