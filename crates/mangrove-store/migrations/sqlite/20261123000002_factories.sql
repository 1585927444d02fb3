-- The factory book: profiles (with the target), and each year's activity data.
CREATE TABLE factories (
    org_id INTEGER PRIMARY KEY, licence TEXT NOT NULL, sector TEXT NOT NULL, district TEXT NOT NULL,
    publish INTEGER NOT NULL, synthetic INTEGER NOT NULL, target TEXT
);
CREATE TABLE factory_years (
    org_id INTEGER NOT NULL, year INTEGER NOT NULL, gwp_set TEXT NOT NULL, combustion TEXT NOT NULL,
    line_count INTEGER NOT NULL, lines TEXT NOT NULL, PRIMARY KEY (org_id, year)
);
