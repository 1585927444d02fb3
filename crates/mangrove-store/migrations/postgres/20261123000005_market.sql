-- The exchange: instruments, every order with its escrow and what became
-- of it, every trade, and the call auctions with their bids.
CREATE TABLE market_instruments (
    id BIGINT PRIMARY KEY, batch_id BIGINT NOT NULL, project_id BIGINT NOT NULL, vintage_year BIGINT NOT NULL, code TEXT NOT NULL,
    tick_satang BIGINT NOT NULL, listed_at_ms BIGINT NOT NULL
);
CREATE TABLE market_orders (
    id BIGINT PRIMARY KEY, instrument_id BIGINT NOT NULL, org_id BIGINT NOT NULL, account_id BIGINT NOT NULL, side TEXT NOT NULL,
    kind TEXT NOT NULL, price_satang BIGINT, qty_tco2e BIGINT NOT NULL, tif TEXT NOT NULL, expires_at_ms BIGINT,
    placed_at_ms BIGINT NOT NULL, escrow TEXT NOT NULL, filled_tco2e BIGINT NOT NULL, status TEXT NOT NULL
);
CREATE INDEX market_orders_org ON market_orders (org_id, status);
CREATE TABLE market_trades (
    id BIGINT PRIMARY KEY, instrument_id BIGINT NOT NULL, price_satang BIGINT NOT NULL, qty_tco2e BIGINT NOT NULL,
    buyer_org_id BIGINT NOT NULL, buyer_account_id BIGINT NOT NULL, buyer_order_id BIGINT, seller_org_id BIGINT NOT NULL,
    seller_account_id BIGINT NOT NULL, seller_order_id BIGINT, maker_side TEXT, fee_satang BIGINT NOT NULL, auction_id BIGINT,
    at_ms BIGINT NOT NULL
);
CREATE INDEX market_trades_instrument ON market_trades (instrument_id, at_ms);
CREATE TABLE market_auctions (
    id BIGINT PRIMARY KEY, instrument_id BIGINT NOT NULL, seller_org_id BIGINT NOT NULL, seller_account_id BIGINT NOT NULL,
    supply_tco2e BIGINT NOT NULL, reserve_satang BIGINT NOT NULL, opens_at_ms BIGINT NOT NULL, closes_at_ms BIGINT NOT NULL,
    hold_id BIGINT NOT NULL, status TEXT NOT NULL, price_satang BIGINT, sold_tco2e BIGINT NOT NULL, bids TEXT NOT NULL
);
