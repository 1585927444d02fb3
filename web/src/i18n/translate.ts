//! Looking up a message: the one function every text on screen goes through.

import { messages, type MessageKey } from './messages';

export type Locale = 'th' | 'en';
export type Params = Record<string, string | number>;

/// The message for `key` in `locale`, with `{name}` placeholders filled.
export function translate(locale: Locale, key: MessageKey, params?: Params): string {
  const entry = messages[key] as { th: string; en: string } | undefined;
  const text = entry ? entry[locale] : key;
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}
