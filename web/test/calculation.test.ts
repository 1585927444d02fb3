// Reading calculation records, finding unregistered factories, and the
// small parsers of the monitoring and factory forms. The forestry fixture
// is `mangrove mrv forestry` on the example surveys (500 rai, 15 % buffer),
// with the rerun command and the two files the server adds to a report.

import { describe, expect, it } from 'vitest';
import { ApiError } from '../src/lib/api';
import { describeError } from '../src/lib/errors';
import { formatDecimal } from '../src/lib/format';
import { forestrySteps, numberOf, readCalculation, surveyTotals, type ForestryRecord } from '../src/lib/calculation';
import { unregisteredFactories } from '../src/pages/operator-factories';
import { parseTonnes } from '../src/pages/report-form';
import { csvProblemsOf } from '../src/ui/csv-field';
import record from './fixtures/forestry-record.json';

const text = JSON.stringify(record);

function forestry(source: string): ForestryRecord {
  const read = readCalculation(source);
  if (read.kind !== 'forestry') throw new Error(`read as ${read.kind}`);
  return read.record;
}

describe('a forestry calculation record', () => {
  it('is read with its numbers, whether the server wrote them as numbers or decimal strings', () => {
    const r = forestry(text);
    expect(r.method.methodology).toContain('T-VER-P-METH-13-02');
    expect(r.inputs).toEqual({ area_rai: 500, buffer_bps: 1500, baseline_tco2e: 0, leakage_tco2e: 0 });
    expect(r.area_ha).toBe(80);
    expect(r.wood_densities.length).toBeGreaterThan(0);
    expect(r.wood_densities.find((d) => d.species === 'Avicennia alba')?.wood_density_g_per_cm3).toBe(0.587);
    expect(r.survey.plots).toHaveLength(12);
    expect(r.previous_survey?.plots).toHaveLength(12);
    expect(r.survey.plots[0]).toEqual({
      plot_id: 'P01',
      area_m2: 100,
      trees: 20,
      saplings: 2,
      agb_g: 826022,
      bgb_g: 394194,
      density_t_per_ha: 122.0216,
    });
    expect(r.credits?.net_tco2e).toBe(3779);
    expect(r.rerun).toMatch(/^mangrove mrv forestry --survey survey\.csv --previous previous\.csv/);
    expect(r.survey_csv.startsWith('plot_id,plot_area_m2,species,dbh_cm,height_m')).toBe(true);
  });

  it("adds up a survey's plots to the record's own totals", () => {
    const r = forestry(text);
    const totals = surveyTotals(r.survey);
    expect(totals.plots).toBe(12);
    expect(totals.trees).toBe(r.survey.trees);
    expect(totals.saplings).toBe(r.survey.saplings);
    expect(totals.area_m2).toBe(1200);
    const mean = r.survey.plots.reduce((sum, p) => sum + p.density_t_per_ha, 0) / r.survey.plots.length;
    expect(mean).toBeCloseTo(r.survey.mean_density_t_per_ha, 4);
  });

  it('gives the chain of steps from stock to net credits, each from the figures before it', () => {
    const r = forestry(text);
    const steps = forestrySteps(r);
    expect(steps.map((s) => s.step)).toEqual([
      'stock_now',
      'stock_before',
      'removals',
      'uncertainty',
      'deduction_rate',
      'deduction',
      'verified',
      'buffer',
      'net',
    ]);
    const at = Object.fromEntries(steps.map((s) => [s.step, s]));
    // C = b × A × 0.47 × 44/12
    const stock = (at.stock_now.from.density.value * at.stock_now.from.area.value * 0.47 * 44) / 12;
    expect(stock).toBeCloseTo(at.stock_now.result.value, 0);
    expect(at.removals.result.value).toBeCloseTo(at.stock_now.result.value - at.stock_before.result.value, 4);
    const deduction = (at.deduction.from.rate.value / 10_000) * (at.deduction.from.u.value / 10_000) * at.deduction.from.removals.value;
    expect(deduction).toBeCloseTo(at.deduction.result.value, 2);
    expect(at.verified.result.value).toBe(Math.floor(at.removals.result.value - at.deduction.result.value));
    expect(at.buffer.result.value).toBe(Math.ceil((at.verified.result.value * 1500) / 10_000));
    expect(at.net.result).toEqual({ unit: 'tonnes', value: 3779 });
    expect(at.net.result.value).toBe(at.verified.result.value - at.buffer.result.value);
    expect(at.uncertainty.result).toEqual({ unit: 'bps', value: 1041 });
  });

  it('without a previous survey states the stock only', () => {
    const alone = { ...record, previous_survey: null, stock_before_tco2e: null, removals_tco2e: null, credits: null };
    const steps = forestrySteps(forestry(JSON.stringify(alone)));
    expect(steps.map((s) => s.step)).toEqual(['stock_now']);
  });
});

describe('any other calculation', () => {
  it('is empty, plain text, or pretty-printed JSON', () => {
    expect(readCalculation('  ')).toEqual({ kind: 'empty' });
    expect(readCalculation('12 plots, Komiyama')).toEqual({ kind: 'text', text: '12 plots, Komiyama' });
    expect(readCalculation('{"plots":12,"method":"Komiyama 2005"}')).toEqual({
      kind: 'json',
      text: '{\n  "plots": 12,\n  "method": "Komiyama 2005"\n}',
    });
  });

  it('that names a method but lacks its parts is shown as written, not half-read', () => {
    const broken = { ...record, survey: { plots: 'twelve' } };
    expect(readCalculation(JSON.stringify(broken)).kind).toBe('json');
    const noArea = { ...record, area_ha: 'eighty' };
    expect(readCalculation(JSON.stringify(noArea)).kind).toBe('json');
  });

  it('reads numbers written either way, and nothing else', () => {
    expect(numberOf(12)).toBe(12);
    expect(numberOf('143.78171')).toBe(143.78171);
    expect(numberOf('-2')).toBe(-2);
    expect(() => numberOf('1,000')).toThrow();
    expect(() => numberOf(null)).toThrow();
    expect(() => numberOf(Number.NaN)).toThrow();
  });
});

describe('the bad lines of a refused survey', () => {
  const lines = [
    { line: 3, column: 'species', problem: 'unknown_species', message: "unknown species 'Quercus robur'" },
    { line: 7, column: null, problem: 'malformed', message: 'wrong number of fields' },
  ];
  const refused = new ApiError(422, 'invalid', 'line 3: ...', 'survey_csv', { lines });

  it('belong to the file the error names', () => {
    expect(csvProblemsOf(refused, 'survey_csv')).toEqual(lines);
    expect(csvProblemsOf(refused, 'previous_csv')).toEqual([]);
  });

  it('are none for other errors', () => {
    expect(csvProblemsOf(new ApiError(409, 'conflict', 'overlaps', 'period_start'), 'survey_csv')).toEqual([]);
    expect(csvProblemsOf(new Error('offline'), 'survey_csv')).toEqual([]);
  });
});

describe('the forms', () => {
  it('take tonnes as decimals with separators, empty as none', () => {
    expect(parseTonnes('')).toBe('');
    expect(parseTonnes(' 12.5 ')).toBe('12.5');
    expect(parseTonnes('1,200')).toBe('1200');
    expect(parseTonnes('-3')).toBeNull();
    expect(parseTonnes('a lot')).toBeNull();
    expect(parseTonnes('1.2345678')).toBeNull();
  });

  it('offer the factory organisations not yet registered, by name', () => {
    const orgs = [
      { id: 5, name: 'Zeta Steel', role: 'factory' as const, account: 5 },
      { id: 6, name: 'Alpha Foods', role: 'factory' as const, account: 6 },
      { id: 7, name: 'Map Ta Phut Olefins', role: 'factory' as const, account: 7 },
      { id: 8, name: 'A citizen', role: 'citizen' as const, account: 8 },
    ];
    expect(unregisteredFactories(orgs, [7]).map((o) => o.id)).toEqual([6, 5]);
    expect(unregisteredFactories(orgs, [5, 6, 7])).toEqual([]);
  });

  it("put the register's licence sentences in the reader's language", () => {
    const taken = describeError(new ApiError(409, 'conflict', 'licence 3-40-1/45 belongs to another factory', null));
    expect(taken).toEqual({ key: 'error.licence_taken', params: { licence: '3-40-1/45' } });
    const length = describeError(new ApiError(422, 'invalid', 'a licence number is 1 to 64 characters', 'licence'));
    expect(length).toEqual({ key: 'error.licence_length', params: { max: 64 } });
  });
});

describe('recorded decimals', () => {
  it('are shown in full, up to six places, with separators', () => {
    expect(formatDecimal(0.587, 'en')).toBe('0.587');
    expect(formatDecimal(143.78171, 'th')).toBe('143.78171');
    expect(formatDecimal(11686.226, 'en')).toBe('11,686.226');
    expect(formatDecimal(0.1 + 0.2, 'en')).toBe('0.3');
  });
});
