-- People hold credits in accounts of their own: an account's holder is an
-- organisation (org_id) or a person (person_id), never both. SQLite cannot
-- drop NOT NULL from a column, so the accounts table is made again.
CREATE TABLE accounts_holders (id INTEGER PRIMARY KEY, org_id INTEGER, person_id INTEGER, kind TEXT NOT NULL);
INSERT INTO accounts_holders (id, org_id, person_id, kind) SELECT id, org_id, NULL, kind FROM accounts;
DROP TABLE accounts;
ALTER TABLE accounts_holders RENAME TO accounts;

CREATE TABLE persons (
    user_id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL,
    identity TEXT NOT NULL,
    registered_at_ms INTEGER NOT NULL
);
