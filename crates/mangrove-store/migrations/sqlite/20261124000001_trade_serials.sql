-- The serials each trade delivered to its buyer, separated by spaces (as
-- retirements list theirs), so the registry's explorer can say which trade
-- moved a block. Trades journaled before trades named their units have none.
ALTER TABLE market_trades ADD COLUMN serials TEXT NOT NULL DEFAULT '';
