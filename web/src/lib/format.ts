//! Numbers, tonnes and dates for people. Dates are put together from the
//! catalogue rather than by Intl, so that the Buddhist-era and Gregorian
//! forms are identical in every browser and in the Node tests, whatever ICU
//! data each carries.

import { translate, type Locale } from '../i18n/translate';
import type { MessageKey } from '../i18n/messages';

export type { Locale };
export type Era = 'be' | 'ce';

/// The Buddhist era runs 543 years ahead of the Gregorian.
export const BUDDHIST_ERA_OFFSET = 543;
/// Rayong keeps Indochina Time, UTC+7, all year (no daylight saving).
export const ICT_OFFSET_MS = 7 * 3_600_000;

/// Whole numbers with thousands separators (1,234,567).
export function formatNumber(value: number | bigint, locale: Locale): string {
  return new Intl.NumberFormat(locale === 'th' ? 'th-TH' : 'en-GB', { maximumFractionDigits: 2 }).format(value);
}

/// A recorded decimal as written, up to six places (a wood density of
/// 0.587 g/cm³, a plot's 122.0216 t/ha), for a verifier to compare.
export function formatDecimal(value: number, locale: Locale): string {
  return new Intl.NumberFormat(locale === 'th' ? 'th-TH' : 'en-GB', { maximumFractionDigits: 6 }).format(value);
}

export function formatTonnes(value: number, locale: Locale): string {
  return translate(locale, 'unit.tonnes', { value: formatNumber(value, locale) });
}

/// Basis points as a percentage: 1500 → "15%".
export function formatPercentFromBps(bps: number, locale: Locale): string {
  return `${formatNumber(bps / 100, locale)}%`;
}

export function displayYear(year: number, era: Era): number {
  return era === 'be' ? year + BUDDHIST_ERA_OFFSET : year;
}

function dayMonthYear(day: number, month: number, year: number, locale: Locale, era: Era): string {
  return translate(locale, era === 'be' ? 'date.date_be' : 'date.date_ce', {
    day,
    month: translate(locale, `date.month.${month}` as MessageKey),
    year: displayYear(year, era),
  });
}

/// A calendar date from the API ("YYYY-MM-DD").
export function formatDate(iso: string, locale: Locale, era: Era): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!match) return iso;
  return dayMonthYear(Number(match[3]), Number(match[2]), Number(match[1]), locale, era);
}

/// A year alone (an inventory year), with its era named.
export function formatYear(year: number, locale: Locale, era: Era): string {
  return translate(locale, era === 'be' ? 'date.year_be' : 'date.year_ce', { year: displayYear(year, era) });
}

/// A moment (milliseconds since the epoch), in Rayong's time.
export function formatDateTime(ms: number, locale: Locale, era: Era): string {
  const local = new Date(ms + ICT_OFFSET_MS);
  const date = dayMonthYear(local.getUTCDate(), local.getUTCMonth() + 1, local.getUTCFullYear(), locale, era);
  const time = `${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}`;
  return translate(locale, 'date.date_time', { date, time });
}

export function formatPeriod(start: string, end: string, locale: Locale, era: Era): string {
  return translate(locale, 'date.period', { start: formatDate(start, locale, era), end: formatDate(end, locale, era) });
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/// A hash cut for display; the full value stays in a title and the page.
export function shortHash(hex: string, chars = 12): string {
  return hex.length > chars ? `${hex.slice(0, chars)}…` : hex;
}

/// Parses what a person typed as a whole number: digits with optional
/// separators (commas, spaces). Returns null for anything else.
export function parseWholeNumber(text: string): number | null {
  const compact = text.trim().replace(/[,\s_]/g, '');
  if (!/^\d{1,15}$/.test(compact)) return null;
  return Number(compact);
}

/// Satang as baht with two decimals and separators, without a unit:
/// 3_250_050 → "32,500.50". Integer arithmetic, so no rounding creeps in.
export function formatBahtNumber(satang: number, locale: Locale): string {
  const sign = satang < 0 ? '-' : '';
  const whole = Math.abs(Math.trunc(satang));
  const cents = whole % 100;
  return `${sign}${formatNumber((whole - cents) / 100, locale)}.${String(cents).padStart(2, '0')}`;
}

/// Money: "32,500.50 THB" or "32,500.50 บาท".
export function formatBaht(satang: number, locale: Locale): string {
  return translate(locale, 'unit.baht', { value: formatBahtNumber(satang, locale) });
}

/// A price per tonne: "320.00 THB/tCO2e" or "320.00 บาท/tCO2e".
export function formatPricePerTonne(satang: number, locale: Locale): string {
  return translate(locale, 'unit.baht_per_tonne', { value: formatBahtNumber(satang, locale) });
}

/// Baht typed by a person ("320", "1,250.5", "320.50") as satang; null
/// for anything else, more than two decimals included.
export function parseBaht(text: string): number | null {
  const compact = text.trim().replace(/[,\s_]/g, '');
  const match = /^(\d{1,13})(?:\.(\d{1,2}))?$/.exec(compact);
  if (!match) return null;
  return Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
}

/// A clock time in Rayong: "14:05".
export function formatClock(ms: number): string {
  const local = new Date(ms + ICT_OFFSET_MS);
  return `${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}`;
}

/// A date-time input's value ("2026-11-24T09:30"), read as Rayong's time
/// whatever the browser's zone; null when it is not one.
export function parseRayongDateTime(text: string): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(text.trim());
  if (!match) return null;
  const [year, month, day, hour, minute] = match.slice(1).map(Number);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59) return null;
  const ms = Date.UTC(year, month - 1, day, hour, minute) - ICT_OFFSET_MS;
  // 31 February would roll over into March: refuse it rather than guess.
  return new Date(ms + ICT_OFFSET_MS).getUTCDate() === day ? ms : null;
}

/// The value a date-time input shows for a moment, in Rayong's time.
export function rayongDateTimeInput(ms: number): string {
  const local = new Date(ms + ICT_OFFSET_MS);
  return `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}T${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}`;
}

/// The calendar date of a moment in Rayong ("YYYY-MM-DD").
export function rayongDate(ms: number): string {
  return rayongDateTimeInput(ms).slice(0, 10);
}
