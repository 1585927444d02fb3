-- The ledger of cash (satang) and green points: accounts with their four
-- running totals, every transfer, every hold and what became of it, fees.
CREATE TABLE ledger_accounts (
    id BIGINT PRIMARY KEY, asset TEXT NOT NULL, owner TEXT NOT NULL, kind TEXT NOT NULL, opened_at_ms BIGINT NOT NULL,
    posted_debits BIGINT NOT NULL, posted_credits BIGINT NOT NULL, pending_debits BIGINT NOT NULL, pending_credits BIGINT NOT NULL
);
CREATE TABLE ledger_transfers (
    id TEXT PRIMARY KEY, kind TEXT NOT NULL, debit_id BIGINT NOT NULL, credit_id BIGINT NOT NULL, asset TEXT NOT NULL,
    amount BIGINT NOT NULL, pending_id TEXT, at_ms BIGINT NOT NULL
);
CREATE INDEX ledger_transfers_debit ON ledger_transfers (debit_id);
CREATE INDEX ledger_transfers_credit ON ledger_transfers (credit_id);
CREATE TABLE ledger_holds (
    id TEXT PRIMARY KEY, debit_id BIGINT NOT NULL, credit_id BIGINT NOT NULL, asset TEXT NOT NULL, amount BIGINT NOT NULL,
    posted BIGINT NOT NULL, released BIGINT NOT NULL, status TEXT NOT NULL, expires_at_ms BIGINT
);
CREATE TABLE ledger_fees (asset TEXT PRIMARY KEY, fee_bps BIGINT NOT NULL);
