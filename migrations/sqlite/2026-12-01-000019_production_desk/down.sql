DROP TABLE desk_events;
DROP TABLE desk_case_agencies;
DROP TABLE desk_cases;
DROP TABLE agency_members;
DROP TABLE agencies;
