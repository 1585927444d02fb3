-- Reads are answered from memory; no query of the server reads these
-- projections by account, organisation or instrument, yet every commit
-- paid for their secondary B-trees. Each table keeps its primary key; a
-- report that needs another index creates its own.
DROP INDEX blocks_account;
DROP INDEX market_orders_org;
DROP INDEX market_trades_instrument;
DROP INDEX ledger_transfers_debit;
DROP INDEX ledger_transfers_credit;

