-- People hold credits in accounts of their own: an account's holder is an
-- organisation (org_id) or a person (person_id), never both.
ALTER TABLE accounts ALTER COLUMN org_id DROP NOT NULL;
ALTER TABLE accounts ADD COLUMN person_id BIGINT;

CREATE TABLE persons (
    user_id BIGINT PRIMARY KEY,
    account_id BIGINT NOT NULL,
    identity TEXT NOT NULL,
    registered_at_ms BIGINT NOT NULL
);
