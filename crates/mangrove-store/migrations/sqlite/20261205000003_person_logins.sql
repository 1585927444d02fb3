-- A person's login belongs to no organisation: users.org_id may be NULL.
CREATE TABLE users_rebuilt (
    id INTEGER PRIMARY KEY, username TEXT NOT NULL UNIQUE, display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL, org_id INTEGER, role TEXT NOT NULL, created_at_ms INTEGER NOT NULL,
    status TEXT NOT NULL DEFAULT 'active', identity_salt TEXT NOT NULL DEFAULT ''
);
INSERT INTO users_rebuilt (id, username, display_name, password_hash, org_id, role, created_at_ms, status, identity_salt)
    SELECT id, username, display_name, password_hash, org_id, role, created_at_ms, status, identity_salt FROM users;
DROP TABLE users;
ALTER TABLE users_rebuilt RENAME TO users;
