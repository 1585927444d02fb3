// The virtual Rayong in two browsers at once: Somchai in Thai on a desktop
// and Malee in English on a phone enter /world, each sees the other in the
// list of people nearby, Somchai walks and Malee sees the distance change,
// they talk, and the mangrove's live figures match the API. The 3D view is
// photographed at 360 px and 1280 px (WebGL through SwiftShader), and the
// download and frame rate of the page are printed.

import { mkdirSync } from 'node:fs';
import { newContext, overflowsSideways, PHONE, DESKTOP, SCREENSHOTS } from './browser.mjs';
import { translator } from './catalogue.mjs';

const PASSWORD = 'rayong-demo-2026';

export function worldScenario({ browser, baseURL, messages, offsite }) {
  const people = {};
  const transferred = { bytes: 0, three: 0 };

  async function enter(username, lang, viewport) {
    const context = await newContext(browser, baseURL, lang, offsite);
    const page = await context.newPage();
    await page.goto('/sign-in');
    await page.fill('#field-username', username);
    await page.fill('#field-password', PASSWORD);
    await page.getByTestId('sign-in').click();
    await page.getByTestId('signed-in-as').waitFor();
    await page.setViewportSize(viewport);
    page.on('response', async (response) => {
      const url = response.url();
      if (!url.includes('/assets/') || username !== 'malee') return;
      const body = await response.body().catch(() => Buffer.alloc(0));
      transferred.bytes += body.length;
      if (/scene-/.test(url)) transferred.three += body.length;
    });
    await page.goto('/world');
    await page.locator('[data-status="inside"]').waitFor({ timeout: 30_000 });
    return { page, t: translator(messages, lang) };
  }

  async function nearbyDistance(page, name) {
    const item = page.locator('.world-people li', { hasText: name }).first();
    await item.waitFor();
    return Number(await item.getAttribute('data-distance'));
  }

  const steps = [
    [
      'two people enter the city, one in Thai on a desktop, one in English on a phone',
      async () => {
        people.somchai = await enter('somchai', 'th', DESKTOP);
        people.malee = await enter('malee', 'en', PHONE);
      },
    ],
    [
      'each sees the other among the people nearby, with a Thai name tag',
      async () => {
        await nearbyDistance(people.somchai.page, 'มาลี ศรีสุข');
        await nearbyDistance(people.malee.page, 'สมชาย ใจดี');
        // Malee turns on the spot until Somchai is in front of her.
        const { page } = people.malee;
        await page.locator('.world-canvas').click({ position: { x: 5, y: 5 } });
        await page.keyboard.down('a');
        await page.locator('.world-tag', { hasText: 'สมชาย ใจดี' }).first().waitFor({ timeout: 8_000 });
        await page.keyboard.up('a');
      },
    ],
    [
      'Somchai walks and Malee sees him move',
      async () => {
        const before = await nearbyDistance(people.malee.page, 'สมชาย ใจดี');
        const page = people.somchai.page;
        await page.locator('.world-canvas').click({ position: { x: 5, y: 5 } });
        await page.keyboard.down('Shift');
        await page.keyboard.down('w');
        await page.waitForTimeout(2_500);
        await page.keyboard.up('w');
        await page.keyboard.up('Shift');
        await people.malee.page.waitForFunction(
          ([name, was]) =>
            [...document.querySelectorAll('.world-people li')].some(
              (li) => li.textContent.includes(name) && Math.abs(Number(li.getAttribute('data-distance')) - was) >= 3,
            ),
          ['สมชาย ใจดี', before],
        );
      },
    ],
    [
      'they talk, in Thai and in English',
      async () => {
        const { page: somchai } = people.somchai;
        await somchai.fill('.world-chat input', 'สวัสดีครับ คุณมาลี');
        await somchai.locator('.world-chat button[type="submit"]').click();
        await people.malee.page.locator('.world-lines li', { hasText: 'สวัสดีครับ คุณมาลี' }).waitFor();
        const { page: malee } = people.malee;
        await malee.fill('.world-chat input', 'Hello Somchai, see you at the mangrove');
        await malee.locator('.world-chat button[type="submit"]').click();
        await somchai.locator('.world-lines li', { hasText: 'Hello Somchai, see you at the mangrove' }).waitFor();
      },
    ],
    [
      "Malee reports a message to the operator",
      async () => {
        const { page, t } = people.malee;
        const line = page.locator('.world-lines li', { hasText: 'สวัสดีครับ คุณมาลี' }).first();
        await line.getByRole('button', { name: t('world.report') }).click();
        await line.getByRole('combobox', { name: t('world.report_reason') }).selectOption('spam');
        await page.locator('.world-notice', { hasText: t('world.reported') }).waitFor();
      },
    ],
    [
      "the mangrove's figures are the registry's and the exchange's, live",
      async () => {
        const { page } = people.malee;
        const facts = await page.evaluate(() => fetch('/api/v1/world/facts').then((r) => r.json()));
        const mangrove = facts.areas.find((area) => area.key === 'mangrove');
        const verified = new Intl.NumberFormat('en-US').format(mangrove.verified_tco2e);
        await page.locator('[data-figure="verified"]', { hasText: verified }).waitFor();
        const retired = new Intl.NumberFormat('en-US').format(mangrove.retired_tco2e);
        await page.locator('[data-figure="retired"]', { hasText: retired }).waitFor();
      },
    ],
    [
      'the 3D view draws at 360 px and 1280 px, and the phone layout fits',
      async () => {
        mkdirSync(SCREENSHOTS, { recursive: true });
        for (const [who, size] of [['malee', PHONE], ['somchai', DESKTOP]]) {
          const { page } = people[who];
          await page.waitForFunction(() => Number(document.querySelector('.world-status')?.dataset.fps ?? 0) > 0);
          await page.locator('.world-view').evaluate((view) => view.scrollIntoView({ block: 'start' }));
          await page.screenshot({ path: `${SCREENSHOTS}world-${who}-${size.width}.png` });
          if (size === PHONE && (await overflowsSideways(page))) throw new Error('/world overflows sideways at 360 px');
          const fps = await page.locator('.world-status').getAttribute('data-fps');
          console.log(`# world: ${who} at ${size.width} px draws ${fps} frames a second (SwiftShader, no GPU)`);
        }
        console.log(
          `# world: the page's scripts, styles and fonts: ${Math.round(transferred.bytes / 1024)} KiB uncompressed, ` +
            `of which the 3D view's chunk (three.js) ${Math.round(transferred.three / 1024)} KiB, fetched only on /world`,
        );
      },
    ],
  ];

  const close = async () => {
    for (const person of Object.values(people)) await person.page.context().close();
  };
  const photographFailure = async (step) => {
    for (const [who, person] of Object.entries(people)) {
      await person.page.screenshot({ path: `${SCREENSHOTS}world-failure-${step}-${who}.png` }).catch(() => undefined);
    }
  };
  return { steps, close, photographFailure };
}
