-- The production desk: agencies and their representatives, the firms' cases, which agencies
-- a case was ever assigned to (they keep seeing it), and each case's history.
CREATE TABLE agencies (
    id SERIAL PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name_fa TEXT NOT NULL,
    name_en TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE agency_members (
    user_id INTEGER PRIMARY KEY NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    agency_id INTEGER NOT NULL REFERENCES agencies(id) ON DELETE CASCADE
);
CREATE INDEX agency_members_agency ON agency_members (agency_id);

CREATE TABLE desk_cases (
    id SERIAL PRIMARY KEY,
    number TEXT NOT NULL UNIQUE,
    organization_id INTEGER NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    filed_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    channel TEXT NOT NULL,
    category TEXT NOT NULL,
    urgency TEXT NOT NULL,
    subject TEXT NOT NULL,
    description TEXT NOT NULL,
    request TEXT NOT NULL,
    named_agencies TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL,
    agency_id INTEGER REFERENCES agencies(id) ON DELETE SET NULL,
    assignee_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
    need_id INTEGER REFERENCES needs(id) ON DELETE SET NULL,
    first_response_at TIMESTAMP,
    resolved_at TIMESTAMP,
    escalated_at TIMESTAMP,
    rating INTEGER,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX desk_cases_organization ON desk_cases (organization_id);
CREATE INDEX desk_cases_status ON desk_cases (status, created_at);
CREATE INDEX desk_cases_agency ON desk_cases (agency_id);

CREATE TABLE desk_case_agencies (
    case_id INTEGER NOT NULL REFERENCES desk_cases(id) ON DELETE CASCADE,
    agency_id INTEGER NOT NULL REFERENCES agencies(id) ON DELETE CASCADE,
    assigned_at TIMESTAMP NOT NULL,
    PRIMARY KEY (case_id, agency_id)
);
CREATE INDEX desk_case_agencies_agency ON desk_case_agencies (agency_id);

CREATE TABLE desk_events (
    id SERIAL PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES desk_cases(id) ON DELETE CASCADE,
    actor_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
    actor_name TEXT NOT NULL,
    side TEXT NOT NULL,
    kind TEXT NOT NULL,
    status TEXT,
    agency_id INTEGER REFERENCES agencies(id) ON DELETE SET NULL,
    body TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX desk_events_case ON desk_events (case_id, id);
