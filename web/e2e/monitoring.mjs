// Measurement behind the credits, as its people live it: the operator
// registers a new factory organisation in the factory register; the
// municipality hands in the mangrove's plot surveys and the registry
// computes the report (a bad line named first, beside the text); the
// verifier checks the calculation plot by plot and step by step, and
// verifies it.

import { readFileSync } from 'node:fs';
import { selectByText } from './browser.mjs';

const EXAMPLES = new URL('../../crates/mangrove-mrv/data/examples/', import.meta.url);
const SURVEY = readFileSync(new URL('mangrove-2025.csv', EXAMPLES), 'utf8');
const PREVIOUS = readFileSync(new URL('mangrove-2024.csv', EXAMPLES), 'utf8');
// Line 3 of this survey names a species the wood-density table lacks.
const BAD_SPECIES = 'Quercus robur';
const BAD_SURVEY = SURVEY.split('\n')
  .map((line, i) => (i === 2 ? line.replace(/^([^,]*,[^,]*,)[^,]*/, `$1${BAD_SPECIES}`) : line))
  .join('\n');

// The demo's mangrove: 500 rai, 15 % buffer; its 2025 report exists, so
// each language reports a half of 2024.
const MANGROVE = 1;
const NET_TCO2E = 3779;

const NAMES = {
  th: {
    factory: 'บริษัท ระยองไฟน์เคมิคอล (ทดสอบ)',
    licence: 'E2E-TH-3-40-99/69',
    period: ['2024-01-01', '2024-06-30'],
  },
  en: {
    factory: 'Rayong Fine Chemicals (e2e)',
    licence: 'E2E-EN-3-40-99/69',
    period: ['2024-07-01', '2024-12-31'],
  },
};

async function operatorRegistersAFactory(c) {
  const names = NAMES[c.lang];
  const page = await c.as('operator');
  await page.goto('/operator/factories');
  await page.getByRole('heading', { level: 1, name: c.t('factories.title') }).waitFor();
  const table = page.getByTestId('factory-table');
  await table.waitFor();
  await c.expectText(table, c.t('dashboard.synthetic_label'));
  // The demo registers every factory organisation it makes.
  await page.getByTestId('no-candidates').or(page.getByTestId('factory-form')).first().waitFor();
  await c.photograph(page, 'operator-factories');

  await page.goto('/operator/organisations');
  await page.getByTestId('organisation-table').waitFor();
  await page.fill('#field-name', names.factory);
  await page.selectOption('#field-role', 'factory');
  await page.getByTestId('create-organisation').click();
  await page.waitForFunction(() => document.querySelector('#field-name')?.value === '');

  await page.goto('/operator/factories');
  await page.getByTestId('factory-form').waitFor();
  await selectByText(page, '#factory-org_id', names.factory);
  await page.selectOption('#factory-sector', 'chemicals');
  await page.selectOption('#factory-district', 'Ban Chang');
  await page.getByTestId('register-factory').click();
  await c.expectText(page.locator('#factory-licence-error'), c.t('error.required'));
  if (!(await page.inputValue('#factory-org_id'))) throw new Error('the organisation chosen was lost');
  if ((await page.inputValue('#factory-district')) !== 'Ban Chang') throw new Error('the district chosen was lost');
  await c.photograph(page, 'operator-factory-error');
  await page.fill('#factory-licence', names.licence);
  await page.check('#factory-publish');
  await page.getByTestId('register-factory').click();
  await c.expectText(page.getByTestId('notice'), names.factory);
  const row = page.getByTestId('factory-table').locator('tr', { hasText: names.factory });
  await row.waitFor();
  await c.expectText(row, names.licence);
  await c.expectText(row, c.t('district.ban_chang'));
  await c.expectText(row, c.t('sector.chemicals'));
  await c.photograph(page, 'operator-factory-registered');
}

async function municipalityComputesAReport(c) {
  const [start, end] = NAMES[c.lang].period;
  const page = await c.as('municipality');
  await page.goto(`/projects/${MANGROVE}`);
  await page.getByTestId('new-report').click();
  await page.getByRole('heading', { level: 1, name: c.t('report.new_title') }).waitFor();
  await page.getByTestId('mode-surveys').check();
  const form = page.getByTestId('forestry-form');
  await form.waitFor();
  await page.fill('#forestry-period_start', start);
  await page.fill('#forestry-period_end', end);
  await page.fill('#forestry-survey_csv', BAD_SURVEY);
  await page.fill('#forestry-previous_csv', PREVIOUS);
  await page.getByTestId('submit-forestry').click();
  const problems = page.getByTestId('survey-problems');
  await c.expectText(problems, c.t('factory.bad_line', { line: 3, column: 'species' }));
  await c.expectText(problems, BAD_SPECIES);
  if (await page.getByTestId('previous-problems').count()) throw new Error('the previous survey was blamed too');
  if ((await page.inputValue('#forestry-survey_csv')) !== BAD_SURVEY) throw new Error('the survey typed was lost');
  if ((await page.inputValue('#forestry-previous_csv')) !== PREVIOUS) throw new Error('the previous survey was lost');
  if ((await page.inputValue('#forestry-period_start')) !== start) throw new Error('the period typed was lost');
  await c.photograph(page, 'report-surveys-error');

  await page.fill('#forestry-survey_csv', SURVEY);
  await page.getByTestId('submit-forestry').click();
  await page.waitForURL(new RegExp(`/projects/${MANGROVE}$`));
  const project = await page.evaluate((id) => fetch(`/api/v1/projects/${id}`).then((r) => r.json()), MANGROVE);
  const report = project.reports.find((r) => r.period_start === start && r.period_end === end);
  if (!report) throw new Error(`no report for ${start} to ${end}`);
  if (report.status !== 'submitted') throw new Error(`the report is ${report.status}`);
  if (report.claimed_tco2e !== 4447) throw new Error(`the claim is ${report.claimed_tco2e} t, not the 4,447 t verified`);
  c.state.forestryReport = report.id;
  await page.getByTestId(`calculation-${report.id}`).waitFor();
  await c.photograph(page, 'report-surveys-submitted');
}

async function verifierChecksTheCalculation(c) {
  const id = c.state.forestryReport;
  const page = await c.as('verifier');
  await page.goto('/queue');
  const row = page.getByTestId('queue-reports-submitted').locator('tr', { hasText: `#${id}` });
  await row.getByRole('link').first().click();
  await page.waitForURL(new RegExp(`/projects/${MANGROVE}$`));
  const record = page.getByTestId(`calculation-${id}`);
  await record.getByTestId('forestry-record').waitFor();
  for (const table of ['plot-table-survey', 'plot-table-previous']) {
    // Twelve plots and the row of their totals.
    const rows = await record.getByTestId(table).locator('tbody tr').count();
    if (rows !== 13) throw new Error(`${table} has ${rows - 1} plots, not 12`);
  }
  await c.expectText(record.getByTestId('plot-table-survey').locator('tbody tr').first(), 'P01');
  const locale = c.lang === 'th' ? 'th-TH' : 'en-GB';
  const net = c.t('unit.tonnes', { value: new Intl.NumberFormat(locale).format(NET_TCO2E) });
  const shown = (await record.getByTestId('step-table').locator('[data-step=net]').textContent()).trim();
  if (shown !== net) throw new Error(`the net step reads "${shown}", not "${net}"`);
  await c.expectText(record.getByTestId('step-table'), c.t('calc.step.uncertainty'));
  await c.expectText(
    record.getByTestId('rerun-command'),
    'mangrove mrv forestry --survey survey.csv --previous previous.csv --area-rai 500',
  );
  // The files offered are the ones the municipality sent.
  const download = record.getByTestId('download-survey');
  if ((await download.getAttribute('download')) !== 'survey.csv') throw new Error('the survey downloads under another name');
  const href = await download.getAttribute('href');
  const file = await page.evaluate((url) => fetch(url).then((r) => r.text()), href);
  if (file !== SURVEY) throw new Error('the survey offered is not the one submitted');
  await record.getByTestId('copy-rerun').click();
  const status = record.getByRole('status');
  await status.filter({ hasText: /\S/ }).waitFor();
  const said = (await status.textContent()).trim();
  if (said !== c.t('calc.copied') && said !== c.t('calc.selected')) throw new Error(`after copying, the page says "${said}"`);
  await c.photograph(page, 'report-calculation');
  // Checked: the verifier verifies it.
  const review = page.getByTestId(`review-report-${id}`);
  await review.click();
  await c.expectText(
    page.getByTestId('report-table').locator('tr', { hasText: `#${id}` }),
    c.t('report_status.verified'),
  );
}

export const MONITORING_STEPS = [
  ['the operator registers a new factory organisation in the factory register', operatorRegistersAFactory],
  ['the municipality computes a report from plot surveys: a bad line is named, then the surveys give the claim', municipalityComputesAReport],
  ['the verifier checks the calculation plot by plot and step by step, then verifies it', verifierChecksTheCalculation],
];
