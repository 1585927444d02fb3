-- A login is `pending` from its row until its creation is journaled, then
-- `active`, or `disabled` for good; only an active login signs in. The
-- salt opens the journal's commitment to the username and display name.
ALTER TABLE users ADD COLUMN status TEXT NOT NULL DEFAULT 'active';
ALTER TABLE users ADD COLUMN identity_salt TEXT NOT NULL DEFAULT '';
