// A factory's plans, as its environment officer lives them: a reduction
// target and the progress chart against it, the printable inventory report
// with the credits retired against the year, a reduction project that
// becomes a registry project, and a best practice the public can find.

const TITLES = {
  th: { reduction: 'หุ้มฉนวนท่อไอน้ำทั้งโรงงาน (ทดสอบ)', practice: 'หุ้มฉนวนท่อไอน้ำคืนทุนใน 8 เดือน (ทดสอบ)' },
  en: { reduction: 'Insulate every steam line (e2e)', practice: 'Steam-line insulation paid back in 8 months (e2e)' },
};

// Near the olefins plant, inside the schematic province.
const OUTLINE = '101.1600, 12.6850\n101.1630, 12.6850\n101.1630, 12.6875\n101.1600, 12.6875';

async function factorySetsATarget(c) {
  const page = await c.as('olefins');
  await page.goto('/factory');
  const form = page.getByTestId('target-form');
  await form.waitFor();
  await page.fill('#target-base_year', '2022');
  await page.fill('#target-reduction_bps', 'a third');
  await page.getByTestId('save-target').click();
  await c.expectText(page.locator('#target-reduction_bps-error'), c.t('error.percent'));
  if ((await page.inputValue('#target-base_year')) !== '2022') throw new Error('the base year typed was lost');
  await page.fill('#target-reduction_bps', '30');
  await page.fill('#target-target_year', '2030');
  await page.fill('#target-net_zero_year', '2050');
  await page.getByTestId('save-target').click();
  const chart = page.getByTestId('progress-chart');
  await chart.locator('polyline.trend').waitFor();
  const bars = await chart.locator('svg rect.bar').count();
  if (bars < 4) throw new Error(`the progress chart shows ${bars} bars, not the four recorded years`);
  const rows = await page.getByTestId('progress-table').locator('tbody tr').count();
  if (rows !== 4) throw new Error(`the progress table has ${rows} rows, not 2022 to 2025`);
  await c.photograph(page, 'factory-target');
}

async function factoryPrintsItsReport(c) {
  const page = await c.as('olefins');
  await page.goto('/factory?year=2025');
  await page.getByRole('link', { name: c.t('factory.printable') }).click();
  await page.waitForURL(/\/factories\/\d+\/report\/2025$/);
  const report = page.getByTestId('inventory-report');
  await report.waitFor();
  await page.getByRole('heading', { level: 1, name: c.t('report_page.title', { year: 2025 }) }).waitFor();
  await c.expectText(page.getByTestId('report-total'), c.t('unit.tonnes', { value: '7.71' }));
  const factors = await page.getByTestId('factors-used').locator('tbody tr').count();
  if (factors < 2) throw new Error(`the report lists ${factors} factors, not the grid's and diesel's`);
  // The factory retired 100 t of the e2e project against 2025 earlier in the flow.
  await c.expectText(page.getByTestId('offsets'), c.names.project);
  await c.expectText(page.getByTestId('offsets'), 'TH-RYG-');
  await c.photograph(page, 'factory-report');
  await page.emulateMedia({ media: 'print' });
  if (await page.getByTestId('print').isVisible()) throw new Error('the print button shows on paper');
  if (await page.locator('.site-header').isVisible()) throw new Error('the site header shows on paper');
  await page.emulateMedia({ media: 'screen' });
}

async function factoryPromotesAReduction(c) {
  const page = await c.as('olefins');
  const titles = TITLES[c.lang];
  await page.goto('/factory');
  const form = page.getByTestId('reduction-form');
  await form.waitFor();
  await page.selectOption('#reduction-kind', 'steam_reduction');
  await page.fill('#reduction-title', titles.reduction);
  await page.fill('#reduction-estimated_tco2e_per_year', '1,200');
  await page.fill('#reduction-start_year', '2026');
  await page.getByTestId('register-reduction').click();
  const row = page.getByTestId('reduction-table').locator('tr', { hasText: titles.reduction });
  await row.waitFor();
  await c.photograph(page, 'factory-reductions');
  await row.getByRole('link', { name: c.t('reduction.promote') }).click();
  await page.waitForURL(/\/reductions\/\d+\/promote$/);
  await page.getByRole('heading', { level: 1, name: c.t('reduction.promote_title') }).waitFor();
  if ((await page.inputValue('#field-name')) !== titles.reduction) throw new Error('the title was not carried over');
  const classes = await page.locator('#field-class option').allTextContents();
  if (classes.length !== 1 || !classes[0].includes('T-VER-S-METH-01-EE')) {
    throw new Error(`the classes offered are ${classes}, not only the reduction class`);
  }
  await page.fill('#field-area_rai', '15');
  await page.fill('#field-location', OUTLINE);
  await c.photograph(page, 'reduction-promote');
  await page.getByTestId('save-project').click();
  await page.waitForURL(/\/projects\/\d+$/);
  await c.expectText(page.getByTestId('project-status'), c.t('project_status.draft'));
  await page.goto('/factory');
  const linked = page.getByTestId('reduction-table').locator('tr', { hasText: titles.reduction });
  await linked.getByRole('link', { name: /#\d+/ }).waitFor();
}

async function factoryPublishesAPractice(c) {
  const page = await c.as('olefins');
  const titles = TITLES[c.lang];
  await page.goto('/factory');
  await page.getByTestId('practice-form').waitFor();
  await page.fill('#practice-title', titles.practice);
  await page.fill('#practice-measured_reduction_tco2e', '640');
  await page.fill('#practice-measurement', 'Boiler gas meters, six months before and after');
  await page.getByTestId('publish-practice').click();
  await c.expectText(page.locator('#practice-summary-error'), c.t('error.required'));
  if ((await page.inputValue('#practice-title')) !== titles.practice) throw new Error('the title typed was lost');
  await page.fill('#practice-summary', 'Mineral-wool jackets on 2 km of steam line and valves.');
  await page.getByTestId('publish-practice').click();
  await page.waitForFunction(() => document.querySelector('#practice-title')?.value === '');

  const visitor = await c.as('public');
  await visitor.goto('/practices');
  await visitor.getByRole('heading', { level: 1, name: c.t('practices.title') }).waitFor();
  await visitor.fill('#filter-q', titles.practice);
  await visitor.getByTestId('filter-apply').click();
  const card = visitor.getByTestId('practice').filter({ hasText: titles.practice });
  await card.waitFor();
  await c.expectText(card.getByTestId('practice-measured'), c.t('unit.tonnes', { value: '640' }));
  await visitor.fill('#filter-q', '');
  await visitor.getByTestId('filter-apply').click();
  await visitor.getByTestId('public-reductions').locator('tbody tr').first().waitFor();
  await c.photograph(visitor, 'practices');
}

export const PLANS_STEPS = [
  ['the factory sets a target and sees its progress against the path', factorySetsATarget],
  ['the factory prints its inventory report with the credits retired against the year', factoryPrintsItsReport],
  ['the factory registers a reduction project and makes it a registry project', factoryPromotesAReduction],
  ['the factory publishes a best practice and the public finds it', factoryPublishesAPractice],
];
