// The app's message catalogue, loaded from its TypeScript source so the
// tests look for exactly the text a user of each language sees.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { transformWithEsbuild } from 'vite';

export async function loadCatalogue() {
  const path = new URL('../src/i18n/messages.ts', import.meta.url).pathname;
  const js = await transformWithEsbuild(readFileSync(path, 'utf8'), path, { format: 'esm' });
  const dir = mkdtempSync(join(tmpdir(), 'mangrove-messages-'));
  try {
    writeFileSync(join(dir, 'messages.mjs'), js.code);
    const module = await import(join(dir, 'messages.mjs'));
    return module.messages;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/// t(lang)(key, params): the text of a key in one language.
export function translator(messages, lang) {
  return (key, params = {}) => {
    const entry = messages[key];
    if (!entry) throw new Error(`no message ${key}`);
    return entry[lang].replace(/\{(\w+)\}/g, (whole, name) => (name in params ? String(params[name]) : whole));
  };
}
