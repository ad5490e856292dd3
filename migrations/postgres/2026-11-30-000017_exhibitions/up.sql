-- Editions of the exhibition: their sections (halls or themes) and the needs shown at them,
-- each in a section with a booth code and a place in the order.
CREATE TABLE editions (
    id SERIAL PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    title_fa TEXT NOT NULL,
    title_en TEXT NOT NULL,
    starts_on DATE NOT NULL,
    ends_on DATE NOT NULL,
    venue TEXT NOT NULL,
    description TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE edition_sections (
    id SERIAL PRIMARY KEY,
    edition_id INTEGER NOT NULL REFERENCES editions(id) ON DELETE CASCADE,
    name_fa TEXT NOT NULL,
    name_en TEXT NOT NULL,
    position INTEGER NOT NULL
);
CREATE INDEX edition_sections_edition ON edition_sections (edition_id);

CREATE TABLE edition_needs (
    edition_id INTEGER NOT NULL REFERENCES editions(id) ON DELETE CASCADE,
    need_id INTEGER NOT NULL REFERENCES needs(id) ON DELETE CASCADE,
    section_id INTEGER REFERENCES edition_sections(id) ON DELETE SET NULL,
    booth TEXT NOT NULL,
    position INTEGER NOT NULL,
    added_at TIMESTAMP NOT NULL,
    PRIMARY KEY (edition_id, need_id)
);
CREATE INDEX edition_needs_need ON edition_needs (need_id);
