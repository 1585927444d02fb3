-- The ledger of cash (satang) and green points: accounts with their four
-- running totals, every transfer, every hold and what became of it, fees.
CREATE TABLE ledger_accounts (
    id INTEGER PRIMARY KEY, asset TEXT NOT NULL, owner TEXT NOT NULL, kind TEXT NOT NULL, opened_at_ms INTEGER NOT NULL,
    posted_debits INTEGER NOT NULL, posted_credits INTEGER NOT NULL, pending_debits INTEGER NOT NULL, pending_credits INTEGER NOT NULL
);
CREATE TABLE ledger_transfers (
    id TEXT PRIMARY KEY, kind TEXT NOT NULL, debit_id INTEGER NOT NULL, credit_id INTEGER NOT NULL, asset TEXT NOT NULL,
    amount INTEGER NOT NULL, pending_id TEXT, at_ms INTEGER NOT NULL
);
CREATE INDEX ledger_transfers_debit ON ledger_transfers (debit_id);
CREATE INDEX ledger_transfers_credit ON ledger_transfers (credit_id);
CREATE TABLE ledger_holds (
    id TEXT PRIMARY KEY, debit_id INTEGER NOT NULL, credit_id INTEGER NOT NULL, asset TEXT NOT NULL, amount INTEGER NOT NULL,
    posted INTEGER NOT NULL, released INTEGER NOT NULL, status TEXT NOT NULL, expires_at_ms INTEGER
);
CREATE TABLE ledger_fees (asset TEXT PRIMARY KEY, fee_bps INTEGER NOT NULL);
