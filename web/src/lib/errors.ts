//! Turns the server's errors into messages in the user's language. The
//! server writes English sentences and a stable code; the client recognises
//! the common sentences and otherwise shows a translated summary by code,
//! keeping the server's own words as detail.

import { ApiError } from './api';
import type { MessageKey } from '../i18n/messages';

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

const PATTERNS: Pattern[] = [
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
