//! Turns the server's errors into messages in the user's language. The
//! server writes English sentences and a stable code; the client recognises
//! the common sentences and otherwise shows a translated summary by code,
//! keeping the server's own words as detail.

import { ApiError } from './api';
import type { MessageKey } from '../i18n/messages';
import { formatBahtNumber } from './format';

export interface Problem {
  key: MessageKey;
  params?: Record<string, string | number>;
  /// The server's sentence, shown (in English) when no translation fits.
  detail?: string;
}

/// Where a request field and the field the server names differ: the
/// registry reports a transfer's target as "to" and a batch as "batch".
const FIELD_ALIASES: Record<string, string> = { to: 'to_account', batch: 'batch_id' };

export function formFieldOf(serverField: string | null, fields: readonly string[]): string | null {
  if (!serverField) return null;
  const field = FIELD_ALIASES[serverField] ?? serverField;
  if (fields.includes(field)) return field;
  return fields.includes(serverField) ? serverField : null;
}

type Pattern = [RegExp, MessageKey, (match: RegExpExecArray) => Record<string, string | number>];

/// Satang in the server's sentences as baht for the message ("1,250.00");
/// Thai and English write numbers alike.
const baht = (satang: string) => formatBahtNumber(Number(satang), 'en');

const PATTERNS: Pattern[] = [
  // The exchange's refusals (mangrove-app trade.rs, the engine's RejectKind).
  [/trades in steps of (\d+) satang/, 'error.off_tick', (m) => ({ tick: baht(m[1]) })],
  [/not a multiple of the tick size/, 'error.off_tick_plain', () => ({})],
  [/a limit order needs a price/, 'error.baht', () => ({})],
  [/a price is 1 to (\d+) satang/, 'error.price_range', (m) => ({ max: baht(m[1]) })],
  [/an order is 1 to (\d+) whole tonnes/, 'error.order_quantity', (m) => ({ max: Number(m[1]) })],
  [/has (\d+) satang available, (\d+) satang is needed/, 'error.insufficient_cash', (m) => ({ available: baht(m[1]), needed: baht(m[2]) })],
  [/no baht account yet/, 'error.no_cash_account', () => ({})],
  [/fill-or-kill order cannot be filled/, 'error.fok', () => ({})],
  [/post-only order would trade/, 'error.post_only', () => ({})],
  [/a market order cannot be post-only/, 'error.market_post_only', () => ({})],
  [/no one is selling now/, 'error.no_sellers', () => ({})],
  [/order (\d+) is no longer in the book/, 'error.order_gone', (m) => ({ id: Number(m[1]) })],
  [/the exchange is not open yet|open the exchange first/, 'error.exchange_closed', () => ({})],
  [/a bid is at least the reserve of (\d+) satang/, 'error.below_reserve', (m) => ({ reserve: baht(m[1]) })],
  [/a bid is 1 to (\d+) tonnes/, 'error.bid_quantity', (m) => ({ max: Number(m[1]) })],
  [/a seller does not bid in its own auction/, 'error.seller_bids', () => ({})],
  [/auction (\d+) (?:has closed|stopped taking bids)/, 'error.auction_closed', () => ({})],
  [/an auction closes in the future/, 'error.closes_future', () => ({})],
  [/an auction sells 1 to (\d+) tonnes/, 'error.order_quantity', (m) => ({ max: Number(m[1]) })],
  [/a reserve price is 1 to (\d+) satang/, 'error.price_range', (m) => ({ max: baht(m[1]) })],
  [/batch \d+ is already listed as (\S+)/, 'error.already_listed', (m) => ({ code: m[1] })],
  [/the tick is 1 to (\d+) satang/, 'error.price_range', (m) => ({ max: baht(m[1]) })],
  [/(?:the fee is at most|a fee is 0 to) (\d+) basis points/, 'error.fee_max', (m) => ({ max: `${Number(m[1]) / 100}%` })],
  [/the reference .* was recorded for another organisation/, 'error.reference_taken', () => ({})],
  [/an amount is a positive number of satang/, 'error.baht', () => ({})],
  [/must not be empty/, 'error.required', () => ({})],
  [/must be at most (\d+) characters/, 'error.too_long', (m) => ({ max: Number(m[1]) })],
  [/username or password is wrong/, 'error.wrong_password', () => ({})],
  [/session has ended/, 'error.session_ended', () => ({})],
  [/^sign in first/, 'error.sign_in_first', () => ({})],
  [/must not end before it starts/, 'error.period_order', () => ({})],
  [/must not end in the future/, 'error.period_future', () => ({})],
  [/period overlaps report (\d+)/, 'error.period_overlap', (m) => ({ report: Number(m[1]) })],
  [/not an ISO 3166-2 code/, 'error.jurisdiction', () => ({})],
  [/outline needs between 3 and/, 'error.outline_points', () => ({})],
  [/point (\d+) is not a \[longitude, latitude\]/, 'error.outline_point', (m) => ({ n: Number(m[1]) })],
  [/the area must be 1 to/, 'error.area', () => ({})],
  [/inventory year must be (\d+) to (\d+)/, 'error.inventory_year', (m) => ({ min: m[1], max: m[2] })],
  [/username is taken/, 'error.username_taken', () => ({})],
  [/a username is 3 to/, 'error.username_format', () => ({})],
  [/a password is (\d+) to/, 'error.password_length', (m) => ({ min: Number(m[1]) })],
  [/holds (\d+)(?: tCO2e)? active of batch/, 'error.insufficient_holding', (m) => ({ held: Number(m[1]) })],
  [/verified quantity may not exceed the claim/, 'error.verified_exceeds_claim', () => ({})],
  [/sending and receiving accounts are the same/, 'error.same_account', () => ({})],
  [/an organisation named .* exists/, 'error.organisation_exists', () => ({})],
  [/a credit class .* exists/, 'error.class_exists', () => ({})],
  [/must be positive|must be at least 1/, 'error.positive', () => ({})],
  [/licence (.+) belongs to another factory/, 'error.licence_taken', (m) => ({ licence: m[1] })],
  [/a licence number is 1 to (\d+) characters/, 'error.licence_length', (m) => ({ max: Number(m[1]) })],
];

const BY_CODE: Record<string, MessageKey> = {
  invalid: 'error.invalid',
  malformed: 'error.invalid',
  not_found: 'error.not_found',
  forbidden: 'error.forbidden',
  conflict: 'error.conflict',
  insufficient: 'error.insufficient',
  unauthenticated: 'error.sign_in_first',
  network: 'error.network',
  internal: 'error.internal',
  too_large: 'error.too_large',
};

export function describeError(error: unknown): Problem {
  if (!(error instanceof ApiError)) return { key: 'error.unknown', detail: String(error) };
  for (const [pattern, key, params] of PATTERNS) {
    const match = pattern.exec(error.message);
    if (match) return { key, params: params(match) };
  }
  const key = BY_CODE[error.code] ?? 'error.unknown';
  const detail = error.code === 'network' || error.code === 'internal' ? undefined : error.message;
  return { key, detail };
}
