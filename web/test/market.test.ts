// The exchange's arithmetic: depth bars, the stream folded into the page,
// candles bucketed as the server does, the reconnect back-off, order
// estimates, countdowns, and the server's refusals in the user's language.

import { describe, expect, it } from 'vitest';
import { ApiError } from '../src/lib/api';
import { describeError } from '../src/lib/errors';
import {
  applyStreamMessage,
  backoffDelay,
  bucketStart,
  candlesOf,
  countdownTo,
  depthOf,
  estimateOrder,
  feeOn,
  INTERVAL_MS,
  percentTextToBps,
  RECONNECT_MAX_MS,
  spreadOf,
  streamUrl,
  TRADES_KEPT,
  withTradeInCandles,
  withTrades,
} from '../src/lib/market';
import type { Book, Trade } from '../src/lib/types';
import { priceTicks } from '../src/ui/charts';

// The demo's book of instrument 1.
const BOOK: Book = {
  instrument_id: 1,
  bids: [
    { price_satang: 31_000, qty_tco2e: 100, orders: 1 },
    { price_satang: 30_500, qty_tco2e: 80, orders: 1 },
  ],
  asks: [
    { price_satang: 32_000, qty_tco2e: 248, orders: 1 },
    { price_satang: 33_500, qty_tco2e: 200, orders: 1 },
    { price_satang: 35_000, qty_tco2e: 150, orders: 1 },
  ],
};

function trade(id: number, at_ms: number, price_satang: number, qty_tco2e = 1): Trade {
  return {
    id,
    instrument_id: 1,
    price_satang,
    qty_tco2e,
    value_satang: price_satang * qty_tco2e,
    buyer_org_id: 5,
    buyer: 'Olefins',
    seller_org_id: 3,
    seller: 'Municipality',
    maker_side: 'sell',
    fee_satang: 0,
    auction_id: null,
    at_ms,
  };
}

describe('the book', () => {
  it('sums the depth from the best price and scales both sides to the deeper one', () => {
    const depth = depthOf(BOOK);
    expect(depth.asks.map((r) => r.cumulative)).toEqual([248, 448, 598]);
    expect(depth.bids.map((r) => r.cumulative)).toEqual([100, 180]);
    expect(depth.asks[2].share).toBe(1);
    expect(depth.bids[1].share).toBeCloseTo(180 / 598);
    expect(depth.asks[0]).toMatchObject({ price_satang: 32_000, qty_tco2e: 248, orders: 1 });
  });

  it('copes with an empty side and an empty book', () => {
    expect(depthOf({ bids: [], asks: [{ price_satang: 100, qty_tco2e: 5, orders: 1 }] }).asks[0].share).toBe(1);
    expect(depthOf({ bids: [], asks: [] })).toEqual({ bids: [], asks: [] });
    expect(spreadOf(BOOK)).toBe(1_000);
    expect(spreadOf({ bids: [], asks: BOOK.asks })).toBeNull();
  });
});

describe('the stream', () => {
  it('starts from a snapshot, adds trades once each, newest first, and replaces the book', () => {
    let state = applyStreamMessage({ book: null, trades: [] }, { type: 'snapshot', book: BOOK, trades: [trade(2, 2_000, 32_000), trade(1, 1_000, 32_000)] });
    expect(state.trades.map((t) => t.id)).toEqual([2, 1]);
    state = applyStreamMessage(state, { type: 'trade', trade: trade(3, 3_000, 31_500) });
    state = applyStreamMessage(state, { type: 'trade', trade: trade(3, 3_000, 31_500) });
    expect(state.trades.map((t) => t.id)).toEqual([3, 2, 1]);
    const moved = { ...BOOK, asks: BOOK.asks.slice(1) };
    state = applyStreamMessage(state, { type: 'book', book: moved });
    expect(state.book).toBe(moved);
    expect(state.trades).toHaveLength(3);
    // A reconnection's snapshot replaces what the page had.
    state = applyStreamMessage(state, { type: 'snapshot', book: BOOK, trades: [trade(4, 4_000, 32_000)] });
    expect(state.trades.map((t) => t.id)).toEqual([4]);
  });

  it(`keeps the latest ${TRADES_KEPT} trades`, () => {
    const many = Array.from({ length: 70 }, (_, i) => trade(i + 1, (i + 1) * 1_000, 32_000));
    const kept = withTrades([], many);
    expect(kept).toHaveLength(TRADES_KEPT);
    expect(kept[0].id).toBe(70);
  });

  it('reconnects after a second, doubling to half a minute, spread a fifth either way', () => {
    expect(backoffDelay(0, 0.5)).toBe(1_000);
    expect(backoffDelay(1, 0.5)).toBe(2_000);
    expect(backoffDelay(3, 0.5)).toBe(8_000);
    expect(backoffDelay(10, 0.5)).toBe(RECONNECT_MAX_MS);
    expect(backoffDelay(1_000, 0.5)).toBe(RECONNECT_MAX_MS);
    expect(backoffDelay(0, 0)).toBe(800);
    expect(backoffDelay(0, 1)).toBe(1_200);
  });

  it('is found on the page’s own host', () => {
    expect(streamUrl({ protocol: 'http:', host: '127.0.0.1:8080' }, 1)).toBe('ws://127.0.0.1:8080/api/v1/market/stream?instrument=1');
    expect(streamUrl({ protocol: 'https:', host: 'mangrove.example' }, 2)).toBe('wss://mangrove.example/api/v1/market/stream?instrument=2');
  });
});

describe('candles', () => {
  it('start at the interval, days at midnight in Bangkok', () => {
    const at = Date.UTC(2026, 10, 23, 12, 18, 41);
    expect(bucketStart(at, INTERVAL_MS.minute)).toBe(Date.UTC(2026, 10, 23, 12, 18));
    expect(bucketStart(at, INTERVAL_MS.hour)).toBe(Date.UTC(2026, 10, 23, 12));
    // 19:18 in Bangkok; its day began at 17:00 UTC the day before.
    expect(bucketStart(at, INTERVAL_MS.day)).toBe(Date.UTC(2026, 10, 22, 17));
    expect(bucketStart(Date.UTC(2026, 10, 23, 17, 30), INTERVAL_MS.day)).toBe(Date.UTC(2026, 10, 23, 17));
  });

  it('open, high, low, close and volume as the server computes them', () => {
    const t0 = Date.UTC(2026, 10, 23, 12, 0);
    const trades = [trade(1, t0 + 1_000, 32_000, 50), trade(2, t0 + 2_000, 33_000, 2), trade(3, t0 + 3_000, 31_000, 5), trade(4, t0 + 4_000, 31_500, 7), trade(5, t0 + 61_000, 31_500, 9)];
    expect(candlesOf(trades, INTERVAL_MS.minute)).toEqual([
      { at_ms: t0, open_satang: 32_000, high_satang: 33_000, low_satang: 31_000, close_satang: 31_500, volume_tco2e: 64 },
      { at_ms: t0 + 60_000, open_satang: 31_500, high_satang: 31_500, low_satang: 31_500, close_satang: 31_500, volume_tco2e: 9 },
    ]);
    expect(candlesOf([...trades].reverse(), INTERVAL_MS.hour)).toHaveLength(1);
  });

  it('take a live trade into the right candle, or a new one', () => {
    const t0 = Date.UTC(2026, 10, 23, 12, 0);
    const candles = candlesOf([trade(1, t0, 32_000, 2)], INTERVAL_MS.minute);
    const same = withTradeInCandles(candles, trade(2, t0 + 30_000, 34_000, 3), INTERVAL_MS.minute);
    expect(same).toEqual([{ at_ms: t0, open_satang: 32_000, high_satang: 34_000, low_satang: 32_000, close_satang: 34_000, volume_tco2e: 5 }]);
    const next = withTradeInCandles(same, trade(3, t0 + 90_000, 31_500, 1), INTERVAL_MS.minute);
    expect(next.map((c) => c.at_ms)).toEqual([t0, t0 + 60_000]);
    expect(candles[0].volume_tco2e).toBe(2);
  });

  it('have a price axis that need not start at zero', () => {
    expect(priceTicks(31_000, 33_000)).toEqual([31_000, 31_500, 32_000, 32_500, 33_000]);
    const flat = priceTicks(31_900, 32_100);
    expect(flat[0]).toBeLessThanOrEqual(31_900);
    expect(flat[flat.length - 1]).toBeGreaterThanOrEqual(32_100);
  });
});

describe('orders', () => {
  it('cost price times tonnes to a buyer; a seller receives it less the fee', () => {
    expect(estimateOrder({ side: 'buy', type: 'limit', price_satang: 31_500, qty_tco2e: 7, fee_bps: 50, book: BOOK })).toEqual({
      value_satang: 220_500,
      fee_satang: 0,
      total_satang: 220_500,
      qty_tco2e: 7,
    });
    expect(estimateOrder({ side: 'sell', type: 'limit', price_satang: 31_500, qty_tco2e: 7, fee_bps: 50, book: BOOK })).toEqual({
      value_satang: 220_500,
      fee_satang: 1_102,
      total_satang: 219_398,
      qty_tco2e: 7,
    });
  });

  it('walk the book for a market order, as far as it goes', () => {
    const buy = estimateOrder({ side: 'buy', type: 'market', price_satang: null, qty_tco2e: 300, fee_bps: 50, book: BOOK });
    expect(buy).toEqual({ value_satang: 248 * 32_000 + 52 * 33_500, fee_satang: 0, total_satang: 248 * 32_000 + 52 * 33_500, qty_tco2e: 300 });
    const sell = estimateOrder({ side: 'sell', type: 'market', price_satang: null, qty_tco2e: 1_000, fee_bps: 0, book: BOOK });
    expect(sell?.qty_tco2e).toBe(180);
    expect(estimateOrder({ side: 'buy', type: 'market', price_satang: null, qty_tco2e: 5, fee_bps: 0, book: { bids: [], asks: [] } })).toBeNull();
  });

  it('have no estimate without a price or tonnes', () => {
    expect(estimateOrder({ side: 'buy', type: 'limit', price_satang: null, qty_tco2e: 5, fee_bps: 50, book: BOOK })).toBeNull();
    expect(estimateOrder({ side: 'buy', type: 'limit', price_satang: 100, qty_tco2e: 0, fee_bps: 50, book: BOOK })).toBeNull();
  });

  it('pay a fee rounded down, as the ledger does', () => {
    expect(feeOn(64_000, 50)).toBe(320);
    expect(feeOn(199, 50)).toBe(0);
    expect(percentTextToBps('0.5')).toBe(50);
    expect(percentTextToBps('1')).toBe(100);
    expect(percentTextToBps('0,25 %')).toBe(25);
    expect(percentTextToBps('0')).toBe(0);
    expect(percentTextToBps('half')).toBeNull();
  });
});

describe('auctions', () => {
  it('count down to the close', () => {
    const now = Date.UTC(2026, 10, 23, 12);
    expect(countdownTo(now + 7 * 86_400_000, now)).toEqual({ days: 7, hours: 0, minutes: 0, seconds: 0 });
    expect(countdownTo(now + 90_061_000, now)).toEqual({ days: 1, hours: 1, minutes: 1, seconds: 1 });
    expect(countdownTo(now, now)).toBeNull();
    expect(countdownTo(now - 1, now)).toBeNull();
  });
});

describe("the exchange's refusals", () => {
  const problem = (field: string | null, message: string, code = 'invalid') => describeError(new ApiError(422, code, message, field));

  it('name the tick in baht', () => {
    expect(problem('price_satang', 'TH-RYG-0001-2025-0001 trades in steps of 100 satang')).toEqual({ key: 'error.off_tick', params: { tick: '1.00' } });
    expect(problem('price_satang', 'price is not a multiple of the tick size').key).toBe('error.off_tick_plain');
  });

  it('say how much cash there is and how much is needed', () => {
    const message = 'ledger account 4 has 488230000 satang available, 3600000000 satang is needed';
    expect(problem('amount', message, 'insufficient')).toEqual({
      key: 'error.insufficient_cash',
      params: { available: '4,882,300.00', needed: '36,000,000.00' },
    });
  });

  it('explain fill-or-kill, post-only, an empty book and a sealed auction', () => {
    expect(problem('tif', 'fill-or-kill order cannot be filled in full', 'conflict').key).toBe('error.fok');
    expect(problem('tif', 'post-only order would trade', 'conflict').key).toBe('error.post_only');
    expect(problem(null, 'no one is selling now: place a limit order instead', 'conflict').key).toBe('error.no_sellers');
    expect(problem('price_satang', 'a bid is at least the reserve of 30000 satang a tonne')).toEqual({
      key: 'error.below_reserve',
      params: { reserve: '300.00' },
    });
    expect(problem(null, 'auction 2 has closed', 'conflict').key).toBe('error.auction_closed');
  });
});
