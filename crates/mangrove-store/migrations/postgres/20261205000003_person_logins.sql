-- A person's login belongs to no organisation: users.org_id may be NULL.
ALTER TABLE users ALTER COLUMN org_id DROP NOT NULL;

