-- Factories' reduction projects (with the registry project each became) and
-- the library of best practices they publish.
CREATE TABLE reductions (
    id BIGINT PRIMARY KEY, org_id BIGINT NOT NULL, kind TEXT NOT NULL, title TEXT NOT NULL, description TEXT NOT NULL,
    estimated_tco2e_per_year BIGINT NOT NULL, start_year BIGINT NOT NULL, status TEXT NOT NULL, synthetic BIGINT NOT NULL,
    registry_project_id BIGINT
);
CREATE INDEX reductions_org ON reductions (org_id);
CREATE TABLE practices (
    id BIGINT PRIMARY KEY, org_id BIGINT NOT NULL, reduction_id BIGINT, kind TEXT NOT NULL, title TEXT NOT NULL,
    summary TEXT NOT NULL, measured_reduction_tco2e BIGINT NOT NULL, measured_year BIGINT NOT NULL, measurement TEXT NOT NULL,
    investment_baht BIGINT, synthetic BIGINT NOT NULL
);
