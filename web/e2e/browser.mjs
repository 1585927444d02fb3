// Chromium through playwright-core (no browser download): Debian's
// /usr/bin/chromium, headless, with nothing allowed off this machine.

import { readFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
export const SCREENSHOTS = new URL('./screenshots/', import.meta.url).pathname;
export const PHONE = { width: 360, height: 740 };
export const DESKTOP = { width: 1280, height: 800 };

export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/// A fresh browser profile in one language. Any request that leaves the
/// Mangrove server is refused and remembered, so a font or tile fetched
/// from the internet fails the run.
export async function newContext(browser, baseURL, lang, offsite) {
  const context = await browser.newContext({
    baseURL,
    locale: lang === 'th' ? 'th-TH' : 'en-US',
    viewport: DESKTOP,
    timezoneId: 'Asia/Bangkok',
  });
  context.setDefaultTimeout(15_000);
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(baseURL) || url.startsWith('data:')) return route.continue();
    offsite.push(url);
    return route.abort();
  });
  return context;
}

/// WCAG 2 A and AA problems axe finds on the page as it is now.
export async function accessibilityProblems(page) {
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa'] } });
    return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
  });
  return violations;
}

/// Whether the page overflows sideways (the phone layout must not).
export function overflowsSideways(page) {
  return page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
}

/// Full-page screenshots at phone and desktop width, each checked for
/// sideways overflow and with axe. Returns the problems found.
export async function shoot(page, name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const problems = [];
  for (const size of [PHONE, DESKTOP]) {
    await page.setViewportSize(size);
    await page.evaluate(() => document.fonts.ready);
    await page.waitForTimeout(150);
    await page.screenshot({ path: `${SCREENSHOTS}${name}-${size.width}.png`, fullPage: true });
    if (await overflowsSideways(page)) problems.push(`${name} at ${size.width}px overflows sideways`);
    for (const violation of await accessibilityProblems(page)) problems.push(`${name} at ${size.width}px: ${violation}`);
  }
  return problems;
}

/// Picks the option of a <select> whose text contains `text`.
export async function selectByText(page, selector, text) {
  const value = await page.$eval(
    selector,
    (select, wanted) => [...select.options].find((option) => option.text.includes(wanted))?.value ?? null,
    text,
  );
  if (value === null) throw new Error(`no option containing "${text}" in ${selector}`);
  await page.selectOption(selector, value);
}
