// The registry's whole story in one language, as its people live it: a
// proponent's project validated, registered, monitored, verified and issued;
// credits transferred to a factory and retired; the public checking the
// certificate's proof. Each step is a test; each page is photographed at
// phone and desktop width and checked with axe.

import { newContext, SCREENSHOTS, selectByText, shoot } from './browser.mjs';
import { translator } from './catalogue.mjs';
import { PLANS_STEPS } from './plans.mjs';
import { MONITORING_STEPS } from './monitoring.mjs';
import { MARKET_STEPS } from './market.mjs';

const PASSWORD = 'rayong-demo-2026';

const NAMES = {
  th: {
    project: 'ป่าชายเลนบ้านก้นอ่าว (ทดสอบ)',
    description: 'ปลูกและดูแลป่าชายเลนริมคลอง',
    beneficiary: 'บริษัท มาบตาพุด โอเลฟินส์ (ทดสอบ)',
    reason: 'ชดเชยการปล่อยก๊าซขอบเขตที่ 1 ปี 2025',
  },
  en: {
    project: 'Ban Kon Ao mangrove (e2e)',
    description: 'Planting and tending mangrove along the canal.',
    beneficiary: 'Map Ta Phut Olefins e2e',
    reason: 'Offset of 2025 Scope 1 emissions',
  },
};

// Near the river mouth, inside the schematic province.
const OUTLINE = '101.2712, 12.6640\n101.2760, 12.6636\n101.2765, 12.6672\n101.2716, 12.6676';

async function landingPage(c) {
    const page = await c.as('public');
    await page.goto('/');
    const htmlLang = await page.getAttribute('html', 'lang');
    if (htmlLang !== c.lang) throw new Error(`<html lang> is ${htmlLang}, not ${c.lang}`);
    await page.getByRole('heading', { level: 1, name: c.t('landing.title') }).waitFor();
    const issued = await page.getByTestId('figure-issued').textContent();
    if (!/\d{1,3}(,\d{3})+ tCO2e/.test(issued)) throw new Error(`issued figure reads "${issued}"`);
    await page.getByText(c.t('stats.tree_head')).waitFor();
    await c.photograph(page, 'landing');
    await page.goto('/sign-in');
    await page.getByRole('heading', { level: 1, name: c.t('sign_in.title') }).waitFor();
    await c.photograph(page, 'sign-in');
}

async function formKeepsInputAndShowsErrors(c) {
    const page = await c.as('municipality');
    await page.goto('/my/projects');
    await page.getByRole('heading', { level: 1, name: c.t('my_projects.title') }).waitFor();
    await c.photograph(page, 'my-projects');
    await page.getByTestId('new-project').click();
    await page.fill('#field-area_rai', '120');
    await page.fill('#field-location', OUTLINE);
    await page.getByTestId('save-project').click();
    await c.expectText(page.locator('#field-name-error'), c.t('error.required'));
    if ((await page.inputValue('#field-area_rai')) !== '120') throw new Error('the area typed was lost');
    await c.photograph(page, 'project-form-error');
}

async function proponentCreatesAndSubmits(c) {
    const page = await c.as('municipality');
    await page.fill('#field-name', c.names.project);
    await page.fill('#field-description', c.names.description);
    await page.getByTestId('save-project').click();
    await page.waitForURL(/\/projects\/\d+$/);
    c.state.projectId = Number(page.url().split('/').pop());
    await c.expectText(page.getByTestId('project-status'), c.t('project_status.draft'));
    await c.photograph(page, 'project-draft');
    await page.getByTestId('submit-project').click();
    await c.expectText(page.getByTestId('project-status'), c.t('project_status.submitted'));
}

async function verifierValidates(c) {
    const page = await c.as('verifier');
    await page.goto('/queue');
    await page.getByRole('link', { name: c.names.project }).first().waitFor();
    await c.photograph(page, 'verifier-queue');
    await page.getByRole('link', { name: c.names.project }).first().click();
    await page.selectOption('#field-decision', 'validate');
    await c.photograph(page, 'project-review');
    await page.getByTestId('review-project').click();
    await c.expectText(page.getByTestId('project-status'), c.t('project_status.validated'));
}

async function operatorRegisters(c) {
    const page = await c.as('operator');
    await page.goto('/queue');
    await page.getByRole('link', { name: c.names.project }).first().waitFor();
    await c.photograph(page, 'operator-queue');
    await page.getByRole('link', { name: c.names.project }).first().click();
    await page.getByTestId('register-project').click();
    await c.expectText(page.getByTestId('project-status'), c.t('project_status.registered'));
}

async function operatorPages(c) {
    const page = await c.as('operator');
    await page.goto('/operator/organisations');
    await page.getByTestId('organisation-table').waitFor();
    await c.photograph(page, 'organisations');
    await page.goto('/operator/users');
    await page.getByTestId('user-table').getByText('municipality', { exact: true }).waitFor();
    await c.photograph(page, 'users');
    await page.goto('/operator/classes');
    await page.getByTestId('class-table').waitFor();
    const code = `E2E-${c.lang.toUpperCase()}-01`;
    await page.fill('#field-code', code);
    await page.fill('#field-name', c.names.project);
    await page.fill('#field-default_buffer_bps', '10');
    await page.getByTestId('create-class').click();
    await c.expectText(page.locator('#field-methodology-error'), c.t('error.required'));
    if ((await page.inputValue('#field-code')) !== code) throw new Error('the code typed was lost');
    await page.fill('#field-methodology', 'Mangrove MRV, e2e');
    await page.getByTestId('create-class').click();
    await page.getByTestId('class-table').getByText(code).waitFor();
    await c.photograph(page, 'credit-classes');
}

async function proponentReports(c) {
    const page = await c.as('municipality');
    await c.openProject(page);
    await page.getByTestId('new-report').click();
    await page.fill('#field-period_start', '2025-01-01');
    await page.fill('#field-period_end', '2025-06-30');
    await page.fill('#field-claimed_tco2e', '1,000');
    await page.fill('#field-calculation', '{"plots": 12, "method": "Komiyama 2005"}');
    await c.photograph(page, 'report-form');
    await page.getByTestId('submit-report').click();
    await page.waitForURL(new RegExp(`/projects/${c.state.projectId}$`));
    await page.getByText(c.t('report_status.submitted')).first().waitFor();
}

async function verifierVerifiesAndIssues(c) {
    const page = await c.as('verifier');
    await c.openProject(page);
    const review = page.locator('[data-testid^="review-report-"]');
    await review.waitFor();
    await c.photograph(page, 'report-review');
    await review.click();
    const issue = page.locator('[data-testid^="issue-report-"]');
    await issue.click();
    await page.getByText(c.t('report_status.issued')).first().waitFor();
    await page.getByText(c.t('unit.tonnes', { value: '1,000' })).first().waitFor();
    await c.photograph(page, 'project-issued');
}

async function proponentTransfers(c) {
    const page = await c.as('municipality');
    await page.goto('/account');
    const form = page.getByTestId('transfer-form');
    await form.waitFor();
    await selectByText(page, '#transfer-batch_id', c.names.project);
    await selectByText(page, '#transfer-to_account', 'Map Ta Phut Olefins');
    await form.locator('#transfer-quantity').fill('999,999');
    await page.getByTestId('transfer').click();
    await form.locator('#transfer-quantity-error').waitFor();
    if ((await form.locator('#transfer-quantity').inputValue()) !== '999,999') throw new Error('the quantity typed was lost');
    await c.photograph(page, 'account-transfer-error');
    await form.locator('#transfer-quantity').fill('300');
    await page.getByTestId('transfer').click();
    await page.getByTestId('notice').waitFor();
}

async function factoryRetires(c) {
    const page = await c.as('olefins');
    await page.goto('/account');
    const form = page.getByTestId('retire-form');
    await form.waitFor();
    await c.photograph(page, 'account-factory');
    await selectByText(page, '#retire-batch_id', c.names.project);
    await form.locator('#retire-quantity').fill('100');
    await form.locator('#retire-beneficiary').fill(c.names.beneficiary);
    await form.locator('#retire-reason').fill(c.names.reason);
    await form.locator('#retire-inventory_year').fill('2025');
    await page.getByTestId('retire').click();
    await page.waitForURL(/\/retirements\/\d+$/);
    c.state.retirementId = Number(page.url().split('/').pop());
    await page.locator('[data-testid=proof-result][data-ok=true]').waitFor();
    await c.expectText(page.getByTestId('proof-result'), c.t('proof.verified'));
}

async function publicDashboard(c) {
    const page = await c.as('public');
    await page.goto('/dashboard');
    await page.getByRole('heading', { level: 1, name: c.t('dashboard.title') }).waitFor();
    await c.expectText(page.getByTestId('synthetic-label'), c.t('dashboard.synthetic_label'));
    for (const chart of ['chart-total', 'chart-sector', 'chart-district', 'chart-credits']) {
      const bars = await page.getByTestId(chart).locator('svg rect.bar').count();
      if (bars < 1) throw new Error(`${chart} has no bars`);
    }
    const totals = await page.getByTestId('chart-total').locator('svg rect.bar').count();
    if (totals < 4) throw new Error(`the emissions chart shows ${totals} years, not 2022 to 2025`);
    await page.getByTestId('chart-total').locator('polyline.trend').waitFor();
    const marks = await page.getByTestId('chart-total').locator('.marker text').allTextContents();
    if (!marks.some((m) => m.includes('2050')) || !marks.some((m) => m.includes('2065'))) throw new Error(`the markers read ${marks}`);
    const ticks = (await page.getByTestId('chart-total').locator('svg .tick').allTextContents()).join(' ');
    if (!/\d{1,3}(,\d{3})+/.test(ticks)) throw new Error(`the axis reads "${ticks}" without thousands separators`);
    await page.getByTestId('top-emitters').locator('tbody tr').first().waitFor();
    await c.photograph(page, 'dashboard');
}

// Line 3 has no number; the fixed file, 10,000 kWh of grid electricity and
// 1,000 L of diesel, replaces the factory's 2025 (another year would move
// the dashboard's base or latest year).
const BAD_CSV = 'month,activity,quantity,unit\n2025-01,electricity,10000,kWh\n2025-02,diesel,lots,litre\n';
const GOOD_CSV = BAD_CSV.replace('lots', '1000');

async function factoryImports(c) {
    const page = await c.as('olefins');
    await page.goto('/factory');
    await page.getByRole('heading', { level: 1, name: c.t('factory.title') }).waitFor();
    await page.getByTestId('inventory').waitFor();
    await page.getByTestId('report-csv').waitFor();
    await c.photograph(page, 'factory-inventory');
    await page.fill('#import-year', '2025');
    await page.fill('#import-csv', BAD_CSV);
    await page.getByTestId('import').click();
    await c.expectText(page.getByTestId('csv-problems'), c.t('factory.bad_line', { line: 3, column: 'quantity' }));
    if ((await page.inputValue('#import-csv')) !== BAD_CSV) throw new Error('the CSV typed was lost');
    if ((await page.inputValue('#import-year')) !== '2025') throw new Error('the year typed was lost');
    await c.photograph(page, 'factory-import-error');
    await page.fill('#import-csv', GOOD_CSV);
    await page.getByTestId('import').click();
    await page.getByTestId('notice').waitFor();
    await page.waitForURL(/year=2025/);
    await c.expectText(page.getByTestId('inventory'), c.t('factory.inventory_title', { year: 2025 }));
    await c.expectText(page.getByTestId('figure-total'), c.t('unit.tonnes', { value: '7.71' }));
    const rows = await page.getByTestId('line-table').locator('tbody tr').count();
    if (rows !== 2) throw new Error(`the imported inventory has ${rows} lines, not 2`);
    await c.photograph(page, 'factory-imported');
}

async function publicChecksCertificate(c) {
    const page = await c.as('public');
    await page.goto('/retirements');
    await page.fill('#filter-beneficiary', c.names.beneficiary);
    await page.getByTestId('filter-apply').click();
    const row = page.getByTestId('retirement-table').locator('tr', { hasText: c.names.beneficiary });
    await row.waitFor();
    await c.photograph(page, 'retirements');
    await row.getByRole('link', { name: c.t('retirement.number', { id: c.state.retirementId }) }).click();
    await page.locator('[data-testid=proof-result][data-ok=true]').waitFor();
    await c.expectText(page.getByTestId('proof-result'), c.t('proof.verified'));
    await c.expectText(page.getByTestId('certificate-statement'), c.t('unit.tonnes', { value: '100' }));
    await page.locator('.qr svg').waitFor();
    await c.photograph(page, 'certificate');
}

async function publicExplores(c) {
    const page = await c.as('public');
    await page.goto(`/projects?q=${encodeURIComponent(c.names.project)}`);
    await page.getByTestId('project-table').getByRole('link', { name: c.names.project }).click();
    await page.locator('svg.map').nth(1).waitFor();
    await c.photograph(page, 'project');
    await page.goto('/projects');
    await page.getByTestId('project-table').waitFor();
    await c.photograph(page, 'projects');
    await page.goto(`/batches?project=${c.state.projectId}`);
    const batchLink = page.locator('.data-table a[href^="/batches/"]').first();
    const serial = (await batchLink.textContent()).trim();
    await c.photograph(page, 'batches');
    await batchLink.click();
    await page.getByText(c.t('unit_state.retired')).first().waitFor();
    await c.photograph(page, 'batch');
    await page.goto('/serials');
    await page.fill('#serial-input', serial);
    await page.getByTestId('serial-search').click();
    await page.getByRole('heading', { level: 2, name: serial }).waitFor();
    await c.photograph(page, 'serial');
}

async function languageAndCalendar(c) {
    const page = await c.as('public');
    const other = c.lang === 'th' ? 'en' : 'th';
    await page.goto(`/retirements/${c.state.retirementId}`);
    await page.getByTestId(`lang-${other}`).click();
    if ((await page.getAttribute('html', 'lang')) !== other) throw new Error('the language did not switch');
    await page.reload();
    await page.getByTestId('proof-result').waitFor();
    if ((await page.getAttribute('html', 'lang')) !== other) throw new Error('the language was not remembered');
    await page.getByTestId(`lang-${c.lang}`).click();
    const vintage = () => page.locator('.facts').getByText(/1 (ม\.ค\.|Jan)/).first().textContent();
    await page.getByTestId('era-be').click();
    if (!(await vintage()).includes('2568')) throw new Error(`Buddhist-era vintage reads "${await vintage()}"`);
    await page.getByTestId('era-ce').click();
    await page.reload();
    await page.getByTestId('proof-result').waitFor();
    if (!(await vintage()).includes('2025')) throw new Error(`Gregorian vintage reads "${await vintage()}"`);
    await page.getByTestId(c.lang === 'th' ? 'era-be' : 'era-ce').click();
}

async function keyboard(c) {
    const page = await c.as('public');
    await page.goto('/');
    await page.getByTestId('figures').waitFor();
    await page.keyboard.press('Tab');
    const first = await page.evaluate(() => document.activeElement?.className);
    if (first !== 'skip-link') throw new Error(`the first Tab reached "${first}"`);
    await page.keyboard.press('Enter');
    const inMain = await page.evaluate(() => document.getElementById('main')?.contains(document.activeElement));
    if (!inMain) throw new Error('the skip link did not move focus to the content');
    await page.setViewportSize({ width: 360, height: 740 });
    await page.getByTestId('menu').click();
    const nav = page.getByRole('navigation', { name: c.t('nav.label') });
    await nav.getByRole('link', { name: c.t('nav.retirements'), exact: true }).click();
    await page.getByRole('heading', { level: 1, name: c.t('retirements.title') }).waitFor();
}

async function nothingFromTheInternet(c) {
    const page = await c.as('public');
    await page.goto(`/retirements/${c.state.retirementId}`);
    await page.getByTestId('proof-result').waitFor();
    await page.evaluate(() => document.fonts.ready);
    const loaded = await page.evaluate(() =>
      [...document.fonts].filter((face) => face.status === 'loaded').map((face) => face.family.replace(/"/g, '')),
    );
    const wanted = c.lang === 'th' ? 'Noto Sans Thai' : 'Noto Sans';
    if (!loaded.includes(wanted)) throw new Error(`${wanted} is not loaded (loaded: ${loaded.join(', ')})`);
    if (c.offsite.length) throw new Error(`requests left the server: ${c.offsite.join(', ')}`);
}

async function signOut(c) {
  const page = await c.as('verifier');
  await page.goto('/queue');
  await page.getByTestId('sign-out').click();
  await page.getByRole('link', { name: c.t('nav.sign_in'), exact: true }).waitFor();
  await page.goto('/queue');
  await page.getByRole('heading', { level: 1, name: c.t('guard.sign_in_title') }).waitFor();
  await c.photograph(page, 'signed-out');
}

/// The story, in order: each step builds on the ones before.
const STEPS = [
  ["the landing page starts in the browser's language with live figures", landingPage],
  ['the public dashboard draws its charts and says the data are synthetic', publicDashboard],
  ['a form keeps what was typed and shows the server error beside its field', formKeepsInputAndShowsErrors],
  ['a proponent creates and submits a project', proponentCreatesAndSubmits],
  ['a verifier validates it', verifierValidates],
  ['the operator registers it', operatorRegisters],
  ["the operator's pages list organisations, users and credit classes, and add a class", operatorPages],
  ['the proponent submits a monitoring report', proponentReports],
  ['the verifier verifies the report and credits are issued', verifierVerifiesAndIssues],
  ...MONITORING_STEPS,
  ['the proponent transfers some to a factory', proponentTransfers],
  ['the factory retires some and its certificate says the proof verifies', factoryRetires],
  ['the factory imports a year: a bad line is named, then the fixed file gives its inventory', factoryImports],
  ...PLANS_STEPS,
  ...MARKET_STEPS,
  ['the public explorer shows the retirement and its certificate verifies in the browser', publicChecksCertificate],
  ['the public explorer lists projects with their map, batches and serials', publicExplores],
  ['language and calendar switch and are remembered', languageAndCalendar],
  ['the keyboard reaches the skip link first and it leads to the content', keyboard],
  ['signing out ends the session', signOut],
  ['the fonts are bundled and nothing is fetched from the internet', nothingFromTheInternet],
];

export function scenario({ browser, baseURL, lang, messages, offsite }) {
  const t = translator(messages, lang);
  const names = NAMES[lang];
  const state = {};
  const pages = new Map();
  let shots = 0;

  async function photograph(page, name) {
    shots += 1;
    const problems = await shoot(page, `${lang}-${String(shots).padStart(2, '0')}-${name}`);
    if (problems.length) throw new Error(problems.join('\n'));
  }

  /// A signed-in browser of its own for each person, as in life.
  async function as(username) {
    if (pages.has(username)) return pages.get(username);
    const context = await newContext(browser, baseURL, lang, offsite);
    const page = await context.newPage();
    if (username !== 'public') await signIn(page, username);
    pages.set(username, page);
    return page;
  }

  async function signIn(page, username) {
    await page.goto('/sign-in');
    await page.fill('#field-username', username);
    await page.fill('#field-password', PASSWORD);
    await page.getByTestId('sign-in').click();
    await page.getByTestId('signed-in-as').waitFor();
  }

  async function expectText(locator, text) {
    await locator.filter({ hasText: text }).first().waitFor();
  }

  async function openProject(page) {
    await page.goto(`/projects/${state.projectId}`);
    await page.getByRole('heading', { level: 1, name: names.project }).waitFor();
  }

  const context = {
    t,
    lang,
    names,
    state,
    offsite,
    as,
    photograph,
    expectText,
    openProject,
  };
  const steps = STEPS.map(([name, step]) => [name, () => step(context)]);

  /// Pictures of every open page, to see why a step failed.
  const photographFailure = async (step) => {
    for (const [who, page] of pages) {
      await page.screenshot({ path: `${SCREENSHOTS}failure-${lang}-${step}-${who}.png`, fullPage: true }).catch(() => {});
    }
  };

  const close = async () => {
    for (const page of pages.values()) await page.context().close();
  };
  return { steps, close, photographFailure };
}
