-- The factory book: profiles (with the target), and each year's activity data.
CREATE TABLE factories (
    org_id BIGINT PRIMARY KEY, licence TEXT NOT NULL, sector TEXT NOT NULL, district TEXT NOT NULL,
    publish BIGINT NOT NULL, synthetic BIGINT NOT NULL, target TEXT
);
CREATE TABLE factory_years (
    org_id BIGINT NOT NULL, year BIGINT NOT NULL, gwp_set TEXT NOT NULL, combustion TEXT NOT NULL,
    line_count BIGINT NOT NULL, lines TEXT NOT NULL, PRIMARY KEY (org_id, year)
);
