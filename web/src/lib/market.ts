//! The exchange's arithmetic for the pages, pure so the unit tests run it:
//! depth bars for the book, the stream's messages folded into what the page
//! shows, trades bucketed into candles as the server does, the reconnect
//! back-off, what an order would cost, and an auction's countdown.

import { ICT_OFFSET_MS } from './format';
import type { Book, BookLevel, Candle, OrderType, Side, StreamMessage, Trade } from './types';

/// Trades the page keeps from the stream, newest first (the snapshot's 50).
export const TRADES_KEPT = 50;

export interface DepthRow extends BookLevel {
  /// Tonnes at this price and every better one on the same side.
  cumulative: number;
  /// The cumulative depth as a share of the deeper side's (0 to 1), for the bar.
  share: number;
}

export interface Depth {
  /// Best first, as the server sends them.
  bids: DepthRow[];
  asks: DepthRow[];
}

/// Cumulative depth per level, scaled so both sides share one axis.
export function depthOf(book: Pick<Book, 'bids' | 'asks'>): Depth {
  const accumulate = (levels: BookLevel[]) => {
    let total = 0;
    return levels.map((level) => ({ ...level, cumulative: (total += level.qty_tco2e) }));
  };
  const bids = accumulate(book.bids);
  const asks = accumulate(book.asks);
  const deepest = Math.max(1, bids[bids.length - 1]?.cumulative ?? 0, asks[asks.length - 1]?.cumulative ?? 0);
  const scale = (rows: { cumulative: number }[]) => rows.map((row) => ({ ...row, share: row.cumulative / deepest })) as DepthRow[];
  return { bids: scale(bids), asks: scale(asks) };
}

/// The gap between the best ask and the best bid, when both exist.
export function spreadOf(book: Pick<Book, 'bids' | 'asks'>): number | null {
  const bid = book.bids[0]?.price_satang;
  const ask = book.asks[0]?.price_satang;
  return bid === undefined || ask === undefined ? null : ask - bid;
}

export interface LiveMarket {
  book: Book | null;
  /// Newest first, no trade twice.
  trades: Trade[];
}

/// Adds trades to a newest-first list, dropping ones already there.
export function withTrades(trades: Trade[], added: Trade[]): Trade[] {
  const seen = new Set(trades.map((trade) => trade.id));
  const fresh = added.filter((trade) => !seen.has(trade.id) && seen.add(trade.id));
  return [...fresh, ...trades].sort((a, b) => b.at_ms - a.at_ms || b.id - a.id).slice(0, TRADES_KEPT);
}

/// The page's view of the market after one message of the stream. A
/// snapshot replaces everything, as it follows every (re)connection.
export function applyStreamMessage(state: LiveMarket, message: StreamMessage): LiveMarket {
  switch (message.type) {
    case 'snapshot':
      return { book: message.book, trades: withTrades([], message.trades) };
    case 'trade':
      return { ...state, trades: withTrades(state.trades, [message.trade]) };
    case 'book':
      return { ...state, book: message.book };
    default:
      return state;
  }
}

export type Interval = 'minute' | 'hour' | 'day';
export const INTERVALS: Interval[] = ['minute', 'hour', 'day'];
export const INTERVAL_MS: Record<Interval, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

/// The start of the interval a moment falls in; days begin at midnight in
/// Bangkok, as the server's candles do.
export function bucketStart(atMs: number, intervalMs: number): number {
  const local = atMs + ICT_OFFSET_MS;
  return local - (((local % intervalMs) + intervalMs) % intervalMs) - ICT_OFFSET_MS;
}

/// Candles with one more trade in them, oldest first, as the server would
/// give them after the trade.
export function withTradeInCandles(candles: Candle[], trade: Pick<Trade, 'at_ms' | 'price_satang' | 'qty_tco2e'>, intervalMs: number): Candle[] {
  const at = bucketStart(trade.at_ms, intervalMs);
  const price = trade.price_satang;
  const index = candles.findIndex((candle) => candle.at_ms === at);
  if (index < 0) {
    const fresh: Candle = {
      at_ms: at,
      open_satang: price,
      high_satang: price,
      low_satang: price,
      close_satang: price,
      volume_tco2e: trade.qty_tco2e,
    };
    return [...candles, fresh].sort((a, b) => a.at_ms - b.at_ms);
  }
  const old = candles[index];
  const updated: Candle = {
    ...old,
    high_satang: Math.max(old.high_satang, price),
    low_satang: Math.min(old.low_satang, price),
    close_satang: price,
    volume_tco2e: old.volume_tco2e + trade.qty_tco2e,
  };
  return candles.map((candle, i) => (i === index ? updated : candle));
}

/// Trades (in any order) as candles of one interval, oldest first.
export function candlesOf(trades: Pick<Trade, 'at_ms' | 'price_satang' | 'qty_tco2e' | 'id'>[], intervalMs: number): Candle[] {
  return [...trades]
    .sort((a, b) => a.at_ms - b.at_ms || a.id - b.id)
    .reduce<Candle[]>((candles, trade) => withTradeInCandles(candles, trade, intervalMs), []);
}

export const RECONNECT_FIRST_MS = 1_000;
export const RECONNECT_MAX_MS = 30_000;

/// How long to wait before the attempt-th reconnection (0 first): doubling
/// from a second up to half a minute, with a fifth either way at random so
/// that many pages cut off together do not return together.
export function backoffDelay(attempt: number, random: number = Math.random()): number {
  const base = Math.min(RECONNECT_MAX_MS, RECONNECT_FIRST_MS * 2 ** Math.max(0, Math.min(attempt, 16)));
  return Math.round(base * (0.8 + 0.4 * random));
}

export interface OrderEstimate {
  /// Price times tonnes, as far as the book goes for a market order.
  value_satang: number;
  /// The exchange's fee, charged to the seller.
  fee_satang: number;
  /// What a buyer pays (and has held), or what a seller receives.
  total_satang: number;
  /// Tonnes the estimate covers: less than asked when a market order
  /// would run out of book.
  qty_tco2e: number;
}

/// The fee on a trade's value, rounded down as the ledger does.
export function feeOn(valueSatang: number, feeBps: number): number {
  return Math.floor((valueSatang * feeBps) / 10_000);
}

/// What an order would cost or bring: a limit order at its price, a market
/// order walking the other side of the book. The seller pays the fee.
export function estimateOrder(request: {
  side: Side;
  type: OrderType;
  price_satang: number | null;
  qty_tco2e: number;
  fee_bps: number;
  book: Pick<Book, 'bids' | 'asks'> | null;
}): OrderEstimate | null {
  if (!(request.qty_tco2e > 0)) return null;
  let value = 0;
  let covered = 0;
  if (request.type === 'limit') {
    if (request.price_satang === null || !(request.price_satang > 0)) return null;
    value = request.price_satang * request.qty_tco2e;
    covered = request.qty_tco2e;
  } else {
    const levels = request.side === 'buy' ? request.book?.asks : request.book?.bids;
    for (const level of levels ?? []) {
      const taken = Math.min(level.qty_tco2e, request.qty_tco2e - covered);
      if (taken <= 0) break;
      value += taken * level.price_satang;
      covered += taken;
    }
    if (covered === 0) return null;
  }
  const fee = request.side === 'sell' ? feeOn(value, request.fee_bps) : 0;
  return { value_satang: value, fee_satang: fee, total_satang: request.side === 'sell' ? value - fee : value, qty_tco2e: covered };
}

/// A percentage typed by a person ("0.5", "1") as basis points (0.5 → 50);
/// null when it is not one.
export function percentTextToBps(text: string): number | null {
  const trimmed = text.trim().replace('%', '').replace(',', '.').trim();
  if (!/^\d{1,3}(\.\d{1,2})?$/.test(trimmed)) return null;
  return Math.round(Number(trimmed) * 100);
}

export interface Countdown {
  days: number;
  hours: number;
  minutes: number;
  seconds: number;
}

/// The time left until a moment, in whole parts; null once it has passed.
export function countdownTo(closesAtMs: number, nowMs: number): Countdown | null {
  const left = Math.floor((closesAtMs - nowMs) / 1000);
  if (left <= 0) return null;
  return {
    days: Math.floor(left / 86_400),
    hours: Math.floor((left % 86_400) / 3_600),
    minutes: Math.floor((left % 3_600) / 60),
    seconds: left % 60,
  };
}

/// The market stream's address on the page's own host.
export function streamUrl(location: { protocol: string; host: string }, instrument: number): string {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${location.host}/api/v1/market/stream?instrument=${instrument}`;
}
