-- The catalogue: organizations, a two-level category taxonomy and needs.
-- Column types are kept portable (text, integer, bigint, boolean, timestamp, date) so the SQLite and
-- PostgreSQL migrations stay line-for-line alike. Money is integer minor units; times are UTC.

CREATE TABLE categories (
    id INTEGER PRIMARY KEY NOT NULL,
    parent_id INTEGER REFERENCES categories(id),
    slug TEXT NOT NULL UNIQUE,
    name_fa TEXT NOT NULL,
    name_en TEXT NOT NULL,
    position INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE organizations (
    id SERIAL PRIMARY KEY,
    name TEXT NOT NULL,
    name_en TEXT NOT NULL DEFAULT '',
    name_key TEXT NOT NULL,
    kind TEXT NOT NULL,
    province TEXT NOT NULL DEFAULT '',
    city TEXT NOT NULL DEFAULT '',
    address TEXT NOT NULL DEFAULT '',
    website TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    verified BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX organizations_name_key ON organizations (name_key);

CREATE TABLE needs (
    id SERIAL PRIMARY KEY,
    organization_id INTEGER NOT NULL REFERENCES organizations(id),
    category_id INTEGER NOT NULL REFERENCES categories(id),
    title TEXT NOT NULL,
    title_en TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    part_number TEXT NOT NULL DEFAULT '',
    part_number_key TEXT NOT NULL DEFAULT '',
    brand TEXT NOT NULL DEFAULT '',
    hs_code TEXT,
    material TEXT NOT NULL DEFAULT '',
    specs TEXT NOT NULL DEFAULT '',
    spec_items TEXT NOT NULL DEFAULT '[]',
    quantity_per_year BIGINT,
    unit TEXT NOT NULL DEFAULT 'piece',
    unit_price BIGINT,
    currency TEXT NOT NULL DEFAULT 'USD',
    origin_country TEXT NOT NULL DEFAULT '',
    annual_import_value BIGINT,
    deadline DATE,
    anonymous BOOLEAN NOT NULL DEFAULT FALSE,
    featured BOOLEAN NOT NULL DEFAULT FALSE,
    status TEXT NOT NULL DEFAULT 'draft',
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    published_at TIMESTAMP
);
CREATE INDEX needs_status_published ON needs (status, published_at);
CREATE INDEX needs_category_status ON needs (category_id, status);
CREATE INDEX needs_organization ON needs (organization_id);
CREATE INDEX needs_part_number_key ON needs (part_number_key);

INSERT INTO categories (id, parent_id, slug, name_fa, name_en, position) VALUES
    (1, NULL, 'bearings-power-transmission', 'یاتاقان و انتقال قدرت', 'Bearings and power transmission', 0),
    (101, 1, 'bearings', 'بلبرینگ و رولبرینگ', 'Ball and roller bearings', 1),
    (102, 1, 'gears-gearboxes', 'چرخ‌دنده و گیربکس', 'Gears and gearboxes', 2),
    (103, 1, 'belts-chains-couplings', 'تسمه، زنجیر و کوپلینگ', 'Belts, chains and couplings', 3),
    (2, NULL, 'hydraulics-pneumatics', 'هیدرولیک و پنوماتیک', 'Hydraulics and pneumatics', 4),
    (201, 2, 'hydraulic-pumps-motors', 'پمپ و موتور هیدرولیک', 'Hydraulic pumps and motors', 5),
    (202, 2, 'cylinders', 'جک و سیلندر', 'Cylinders and actuators', 6),
    (203, 2, 'control-valves', 'شیرهای کنترل هیدرولیک و پنوماتیک', 'Hydraulic and pneumatic valves', 7),
    (3, NULL, 'electrical-electronic', 'برق و الکترونیک', 'Electrical and electronic', 8),
    (301, 3, 'motors-drives', 'الکتروموتور و درایو', 'Motors and drives', 9),
    (302, 3, 'electronic-boards', 'بردها و قطعات الکترونیکی', 'Electronic boards and components', 10),
    (303, 3, 'switchgear', 'کلید و تابلو برق', 'Switchgear and panels', 11),
    (4, NULL, 'instrumentation-control', 'ابزار دقیق و کنترل', 'Instrumentation and control', 12),
    (401, 4, 'sensors-transmitters', 'سنسور و ترانسمیتر', 'Sensors and transmitters', 13),
    (402, 4, 'controllers', 'کنترلر و پی‌ال‌سی', 'Controllers and PLCs', 14),
    (5, NULL, 'rubber-polymer', 'قطعات لاستیکی و پلیمری', 'Rubber and polymer parts', 15),
    (501, 5, 'rubber-parts', 'قطعات لاستیکی', 'Rubber parts', 16),
    (502, 5, 'plastic-ptfe-parts', 'قطعات پلاستیکی و تفلونی', 'Plastic and PTFE parts', 17),
    (6, NULL, 'castings-forgings', 'ریخته‌گری و آهنگری', 'Castings and forgings', 18),
    (601, 6, 'castings', 'قطعات ریختگی', 'Castings', 19),
    (602, 6, 'forgings', 'قطعات فورج', 'Forgings', 20),
    (7, NULL, 'machined-parts', 'قطعات ماشین‌کاری', 'Machined parts', 21),
    (701, 7, 'shafts-bushings', 'شفت و بوش', 'Shafts and bushings', 22),
    (702, 7, 'precision-parts', 'قطعات دقیق سی‌ان‌سی', 'Precision CNC parts', 23),
    (8, NULL, 'refractories', 'نسوز و عایق', 'Refractories and insulation', 24),
    (801, 8, 'refractory-bricks', 'آجر و جرم نسوز', 'Refractory bricks and castables', 25),
    (802, 8, 'insulation', 'عایق حرارتی', 'Thermal insulation', 26),
    (9, NULL, 'filters', 'فیلتر و جداکننده', 'Filters and separators', 27),
    (901, 9, 'air-filters', 'فیلتر هوا', 'Air filters', 28),
    (902, 9, 'oil-filters', 'فیلتر روغن و هیدرولیک', 'Oil and hydraulic filters', 29),
    (10, NULL, 'fasteners', 'پیچ، مهره و اتصالات', 'Fasteners', 30),
    (1001, 10, 'bolts-nuts', 'پیچ و مهره', 'Bolts and nuts', 31),
    (1002, 10, 'special-fasteners', 'اتصالات ویژه', 'Special fasteners', 32),
    (11, NULL, 'seals-gaskets', 'آب‌بندی و واشر', 'Seals and gaskets', 33),
    (1101, 11, 'mechanical-seals', 'مکانیکال سیل', 'Mechanical seals', 34),
    (1102, 11, 'oil-seals-orings', 'کاسه‌نمد و اورینگ', 'Oil seals and O-rings', 35),
    (1103, 11, 'gaskets', 'واشر و گسکت', 'Gaskets', 36),
    (12, NULL, 'pumps-valves', 'پمپ و شیرآلات صنعتی', 'Pumps and industrial valves', 37),
    (1201, 12, 'pumps', 'پمپ', 'Pumps', 38),
    (1202, 12, 'industrial-valves', 'شیرآلات صنعتی', 'Industrial valves', 39),
    (13, NULL, 'tooling-moulds', 'ابزار و قالب', 'Tooling and moulds', 40),
    (1301, 13, 'cutting-tools', 'ابزار برشی', 'Cutting tools', 41),
    (1302, 13, 'moulds-dies', 'قالب و فیکسچر', 'Moulds, dies and fixtures', 42),
    (14, NULL, 'vehicle-parts', 'قطعات خودرو و ماشین‌آلات', 'Vehicle and machinery parts', 43),
    (1401, 14, 'automotive', 'قطعات خودرو', 'Automotive parts', 44),
    (1402, 14, 'agricultural-machinery', 'قطعات تراکتور و ماشین‌آلات کشاورزی', 'Tractor and farm machinery parts', 45),
    (15, NULL, 'other', 'سایر', 'Other', 46);
