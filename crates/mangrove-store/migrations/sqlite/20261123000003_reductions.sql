-- Factories' reduction projects (with the registry project each became) and
-- the library of best practices they publish.
CREATE TABLE reductions (
    id INTEGER PRIMARY KEY, org_id INTEGER NOT NULL, kind TEXT NOT NULL, title TEXT NOT NULL, description TEXT NOT NULL,
    estimated_tco2e_per_year INTEGER NOT NULL, start_year INTEGER NOT NULL, status TEXT NOT NULL, synthetic INTEGER NOT NULL,
    registry_project_id INTEGER
);
CREATE INDEX reductions_org ON reductions (org_id);
CREATE TABLE practices (
    id INTEGER PRIMARY KEY, org_id INTEGER NOT NULL, reduction_id INTEGER, kind TEXT NOT NULL, title TEXT NOT NULL,
    summary TEXT NOT NULL, measured_reduction_tco2e INTEGER NOT NULL, measured_year INTEGER NOT NULL, measurement TEXT NOT NULL,
    investment_baht INTEGER, synthetic INTEGER NOT NULL
);
