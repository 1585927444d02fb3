-- Facts about the deployment itself, outside the journal: today only
-- whether the demo was built to the end (`demo` = `building` | `complete`).
CREATE TABLE settings (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
