//! The user's language and calendar: detected from the browser on the first
//! visit, then chosen by the user and remembered in localStorage. Pages read
//! them through `useI18n`, which re-renders when either changes.

import { listenerSet, useExternal } from '../lib/store';
import type { MessageKey } from './messages';
import { translate, type Params } from './translate';
import {
  formatBaht,
  formatDate,
  formatDateTime,
  formatNumber,
  formatPercentFromBps,
  formatPeriod,
  formatPricePerTonne,
  formatTonnes,
  formatYear,
  type Era,
  type Locale,
} from '../lib/format';

export type { Era, Locale, MessageKey, Params };
export { translate };

const LOCALE_KEY = 'mangrove.locale';
const ERA_KEY = 'mangrove.era';

/// Thai when the browser prefers Thai over English, else English.
export function detectLocale(languages: readonly string[]): Locale {
  for (const language of languages) {
    const primary = language.toLowerCase().split('-')[0];
    if (primary === 'th') return 'th';
    if (primary === 'en') return 'en';
  }
  return 'en';
}

/// Thai readers count years in the Buddhist era; English readers mostly don't.
export function defaultEra(locale: Locale): Era {
  return locale === 'th' ? 'be' : 'ce';
}


interface Settings {
  locale: Locale;
  era: Era;
}

function storage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

function initialSettings(): Settings {
  const stored = storage();
  const savedLocale = stored?.getItem(LOCALE_KEY);
  const locale: Locale =
    savedLocale === 'th' || savedLocale === 'en'
      ? savedLocale
      : detectLocale(typeof navigator === 'undefined' ? [] : navigator.languages ?? [navigator.language]);
  const savedEra = stored?.getItem(ERA_KEY);
  const era: Era = savedEra === 'be' || savedEra === 'ce' ? savedEra : defaultEra(locale);
  return { locale, era };
}

let settings: Settings = initialSettings();
const store = listenerSet();

function remember(key: string, value: string) {
  storage()?.setItem(key, value);
}

function changed(next: Settings) {
  settings = next;
  applyToDocument();
  store.notify();
}

/// Keeps <html lang> right: it picks the Thai font's line breaking and
/// tells screen readers which voice to use.
export function applyToDocument() {
  if (typeof document === 'undefined') return;
  document.documentElement.lang = settings.locale;
  document.title = translate(settings.locale, 'app.title');
}

export function setLocale(locale: Locale) {
  // A calendar the user chose stays; otherwise it follows the language.
  const chosen = storage()?.getItem(ERA_KEY);
  const era: Era = chosen === 'be' || chosen === 'ce' ? chosen : defaultEra(locale);
  remember(LOCALE_KEY, locale);
  changed({ locale, era });
}

export function setEra(era: Era) {
  remember(ERA_KEY, era);
  changed({ ...settings, era });
}

export function currentLocale(): Locale {
  return settings.locale;
}

export interface I18n {
  locale: Locale;
  era: Era;
  t: (key: MessageKey, params?: Params) => string;
  num: (value: number) => string;
  tonnes: (value: number) => string;
  date: (iso: string) => string;
  dateTime: (ms: number) => string;
  period: (start: string, end: string) => string;
  year: (year: number) => string;
  percentBps: (bps: number) => string;
  /// Satang as baht: "32,500.50 THB".
  baht: (satang: number) => string;
  /// Satang per tonne: "320.00 THB/tCO2e".
  perTonne: (satang: number) => string;
}

export function makeI18n(locale: Locale, era: Era): I18n {
  return {
    locale,
    era,
    t: (key, params) => translate(locale, key, params),
    num: (value) => formatNumber(value, locale),
    tonnes: (value) => formatTonnes(value, locale),
    date: (iso) => formatDate(iso, locale, era),
    dateTime: (ms) => formatDateTime(ms, locale, era),
    period: (start, end) => formatPeriod(start, end, locale, era),
    year: (year) => formatYear(year, locale, era),
    percentBps: (bps) => formatPercentFromBps(bps, locale),
    baht: (satang) => formatBaht(satang, locale),
    perTonne: (satang) => formatPricePerTonne(satang, locale),
  };
}

export function useI18n(): I18n {
  const current = useExternal(store.subscribe, () => settings);
  return makeI18n(current.locale, current.era);
}
