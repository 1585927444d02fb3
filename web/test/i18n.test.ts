// Every user-visible string has Thai and English text: the catalogue is
// complete and consistent, every key the code names exists, and the source
// shows no text that bypasses the catalogue.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAst, transformWithEsbuild } from 'vite';
import { messages, SAME_IN_BOTH, type MessageKey } from '../src/i18n/messages';
import { PROJECT_STATUSES, REPORT_STATUSES, ROLES } from '../src/lib/types';

const SRC = new URL('../src/', import.meta.url).pathname;
const THAI = /[\u0E00-\u0E7F]/;
const LATIN_WORD = /[A-Za-z]{2,}/;
const entries = Object.entries(messages) as [MessageKey, { th: string; en: string }][];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(name) ? [path] : [];
  });
}

const WORDS = /[A-Za-z\u0E00-\u0E7F]{2,}/;
const NAMED_ATTRIBUTES = new Set(['aria-label', 'title', 'placeholder', 'alt', 'label']);

type Node = { type: string; [key: string]: unknown };

function walk(node: unknown, visit: (node: Node) => void) {
  if (!node || typeof node !== 'object') return;
  if (Array.isArray(node)) return node.forEach((child) => walk(child, visit));
  const typed = node as Node;
  if (typeof typed.type === 'string') visit(typed);
  for (const value of Object.values(typed)) if (value && typeof value === 'object') walk(value, visit);
}

const stringOf = (node: Node | undefined): string | null =>
  node?.type === 'Literal' && typeof node.value === 'string'
    ? node.value
    : node?.type === 'TemplateLiteral'
      ? (node.quasis as { value: { cooked: string } }[]).map((q) => q.value.cooked).join(' ')
      : null;

/// The literal strings a .tsx file puts on screen: JSX text children and
/// literal accessible names. JSX is compiled to calls of a marker function
/// so that an ordinary JavaScript parser can find them.
async function literalTexts(file: string): Promise<string[]> {
  const code = readFileSync(file, 'utf8');
  const js = await transformWithEsbuild(code, file, { jsx: 'transform', jsxFactory: '__jsx', jsxFragment: '__fragment' });
  const found: string[] = [];
  walk(parseAst(js.code), (node) => {
    if (node.type !== 'CallExpression' || (node.callee as Node).name !== '__jsx') return;
    const [, props, ...children] = node.arguments as Node[];
    for (const child of children) {
      const text = stringOf(child);
      if (text && WORDS.test(text)) found.push(text.trim());
    }
    for (const property of (props?.type === 'ObjectExpression' ? props.properties : []) as Node[]) {
      const key = property.key as Node | undefined;
      const name = (key?.name ?? key?.value) as string | undefined;
      const text = stringOf(property.value as Node);
      if (name && NAMED_ATTRIBUTES.has(name) && text && WORDS.test(text) && !(text in messages)) found.push(`${name}="${text}"`);
    }
  });
  return found;
}

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
const withoutPlaceholders = (text: string) => text.replace(/\{\w+\}/g, '');

describe('the message catalogue', () => {
  it('has non-empty Thai and English for every key', () => {
    const missing = entries.filter(([, m]) => !m.th?.trim() || !m.en?.trim()).map(([key]) => key);
    expect(missing).toEqual([]);
  });

  it('uses the same placeholders in both languages', () => {
    const differ = entries.filter(([, m]) => placeholders(m.th).join() !== placeholders(m.en).join()).map(([k]) => k);
    expect(differ).toEqual([]);
  });

  it('has Thai text written in Thai, and English without Thai', () => {
    // A Thai message may be all placeholders and codes ("{day} {month} {year}");
    // one with Latin words but no Thai script was most likely never translated.
    const untranslated = entries
      .filter(([key]) => !SAME_IN_BOTH.has(key))
      .filter(([, m]) => LATIN_WORD.test(withoutPlaceholders(m.th).replace(/tCO2e|TH-\d+|ISO 3166-2|RFC 9162|Ed25519|JSON|T-VER[\w-]*|Mangrove|mangrove proof verify|TH-RYG/g, '')) && !THAI.test(m.th))
      .map(([key]) => key);
    expect(untranslated).toEqual([]);
    const thaiInEnglish = entries.filter(([key, m]) => !SAME_IN_BOTH.has(key) && THAI.test(m.en)).map(([k]) => k);
    expect(thaiInEnglish).toEqual([]);
  });

  it('covers every value of every enumeration the pages translate', () => {
    const needed = [
      ...PROJECT_STATUSES.map((s) => `project_status.${s}`),
      ...REPORT_STATUSES.map((s) => `report_status.${s}`),
      ...ROLES.map((r) => `role.${r}`),
      ...['active', 'held', 'retired', 'cancelled'].map((s) => `unit_state.${s}`),
      ...['validate', 'request_changes', 'reject', 'verify'].map((d) => `decision.${d}`),
      ...['removal', 'reduction'].map((k) => `class.kind.${k}`),
      ...Array.from({ length: 12 }, (_, i) => `date.month.${i + 1}`),
      ...['index_out_of_range', 'proof_too_long', 'proof_too_short', 'root_mismatch', 'bad_signature', 'malformed'].map(
        (f) => `proof.failure.${f}`,
      ),
    ];
    expect(needed.filter((key) => !(key in messages))).toEqual([]);
  });
});

describe('the source', () => {
  const files = sourceFiles(SRC).filter((file) => !file.endsWith('messages.ts'));
  // Comments may quote anything; only code counts.
  const source = files
    .map((file) => readFileSync(file, 'utf8').replace(/^\s*\/\/.*$/gm, ''))
    .join('\n');

  it('names only keys that exist', () => {
    const named = [...source.matchAll(/['"`]((?:[a-z_]+\.)+[a-z_0-9]+)['"`]/g)].map((m) => m[1]);
    const looksLikeKey = (text: string) => /^(?:[a-z_]+\.)+[a-z_0-9]+$/.test(text) && !/\.(css|ts|tsx|js|json|svg)$/.test(text);
    const unknown = [...new Set(named.filter(looksLikeKey))].filter((key) => !(key in messages));
    // The settings' storage keys look like message keys but are not shown.
    expect(unknown.filter((key) => !key.startsWith('mangrove.'))).toEqual([]);
  });

  it('uses every key in the catalogue', () => {
    // Keys reached through a template (`role.${role}`) count by their prefix.
    const prefixes = [...source.matchAll(/`((?:[a-z_]+\.)+)\$\{/g)].map((m) => m[1]);
    const unused = entries
      .map(([key]) => key)
      .filter((key) => !source.includes(`'${key}'`) && !source.includes(`"${key}"`) && !prefixes.some((prefix) => key.startsWith(prefix)));
    expect(unused).toEqual([]);
  });

  it('shows no literal text outside the catalogue', async () => {
    const offences: string[] = [];
    for (const file of files.filter((f) => f.endsWith('.tsx'))) {
      for (const text of await literalTexts(file)) offences.push(`${relative(SRC, file)}: ${text}`);
    }
    expect(offences).toEqual([]);
  });
});
