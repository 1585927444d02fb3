-- The exchange: instruments, every order with its escrow and what became
-- of it, every trade, and the call auctions with their bids.
CREATE TABLE market_instruments (
    id INTEGER PRIMARY KEY, batch_id INTEGER NOT NULL, project_id INTEGER NOT NULL, vintage_year INTEGER NOT NULL, code TEXT NOT NULL,
    tick_satang INTEGER NOT NULL, listed_at_ms INTEGER NOT NULL
);
CREATE TABLE market_orders (
    id INTEGER PRIMARY KEY, instrument_id INTEGER NOT NULL, org_id INTEGER NOT NULL, account_id INTEGER NOT NULL, side TEXT NOT NULL,
    kind TEXT NOT NULL, price_satang INTEGER, qty_tco2e INTEGER NOT NULL, tif TEXT NOT NULL, expires_at_ms INTEGER,
    placed_at_ms INTEGER NOT NULL, escrow TEXT NOT NULL, filled_tco2e INTEGER NOT NULL, status TEXT NOT NULL
);
CREATE INDEX market_orders_org ON market_orders (org_id, status);
CREATE TABLE market_trades (
    id INTEGER PRIMARY KEY, instrument_id INTEGER NOT NULL, price_satang INTEGER NOT NULL, qty_tco2e INTEGER NOT NULL,
    buyer_org_id INTEGER NOT NULL, buyer_account_id INTEGER NOT NULL, buyer_order_id INTEGER, seller_org_id INTEGER NOT NULL,
    seller_account_id INTEGER NOT NULL, seller_order_id INTEGER, maker_side TEXT, fee_satang INTEGER NOT NULL, auction_id INTEGER,
    at_ms INTEGER NOT NULL
);
CREATE INDEX market_trades_instrument ON market_trades (instrument_id, at_ms);
CREATE TABLE market_auctions (
    id INTEGER PRIMARY KEY, instrument_id INTEGER NOT NULL, seller_org_id INTEGER NOT NULL, seller_account_id INTEGER NOT NULL,
    supply_tco2e INTEGER NOT NULL, reserve_satang INTEGER NOT NULL, opens_at_ms INTEGER NOT NULL, closes_at_ms INTEGER NOT NULL,
    hold_id INTEGER NOT NULL, status TEXT NOT NULL, price_satang INTEGER, sold_tco2e INTEGER NOT NULL, bids TEXT NOT NULL
);
