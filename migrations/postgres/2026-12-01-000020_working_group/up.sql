-- Sessions of the provincial working group for removing production obstacles: the cases
-- referred to it, on an agenda, each with the decision taken (what, by which agency, by when).
CREATE TABLE desk_sessions (
    id SERIAL PRIMARY KEY,
    held_on DATE NOT NULL,
    title TEXT NOT NULL,
    place TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE desk_decisions (
    id SERIAL PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES desk_sessions(id) ON DELETE CASCADE,
    case_id INTEGER NOT NULL REFERENCES desk_cases(id) ON DELETE CASCADE,
    decision TEXT NOT NULL DEFAULT '',
    agency_id INTEGER REFERENCES agencies(id) ON DELETE SET NULL,
    deadline DATE,
    decided_at TIMESTAMP,
    escalated_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (session_id, case_id)
);
CREATE INDEX desk_decisions_case ON desk_decisions (case_id);
