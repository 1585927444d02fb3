//! Reading a monitoring report's calculation record. A record made by the
//! forestry methodology (it names `method.methodology`) is read into typed
//! parts a verifier can check line by line; anything else is shown as the
//! proponent wrote it, pretty-printed when it is JSON. Nothing here renders:
//! the page is `src/pages/calculation.tsx`.

/// The parts of the method the record states, in the order a verifier
/// follows them.
export const METHOD_PARTS = ['methodology', 'biomass', 'trees', 'stock', 'removals', 'uncertainty', 'buffer'] as const;
export type MethodPart = (typeof METHOD_PARTS)[number];

export interface Plot {
  plot_id: string;
  area_m2: number;
  trees: number;
  saplings: number;
  agb_g: number;
  bgb_g: number;
  density_t_per_ha: number;
}

export interface SurveyUncertainty {
  plots: number;
  mean_density_t_per_ha: number;
  standard_deviation_t_per_ha: number;
  student_t: number;
  half_width_t_per_ha: number;
  u_bps: number;
  deduction_rate_bps: number;
}

export interface Survey {
  plots: Plot[];
  trees: number;
  saplings: number;
  mean_density_t_per_ha: number;
  stock_tco2e: number;
  uncertainty: SurveyUncertainty | null;
}

/// A survey's plots added up, for the table's last row.
export interface SurveyTotals {
  plots: number;
  area_m2: number;
  trees: number;
  saplings: number;
  agb_g: number;
  bgb_g: number;
}

export interface WoodDensity {
  species: string;
  wood_density_g_per_cm3: number;
  source: string;
  status: string;
}

export interface Credits {
  removals_tco2e: number;
  uncertainty_bps: number;
  deduction_rate_bps: number;
  uncertainty_deduction_tco2e: number;
  verified_tco2e: number;
  buffer_tco2e: number;
  net_tco2e: number;
}

export interface ForestryRecord {
  method: Record<MethodPart, string>;
  inputs: { area_rai: number; buffer_bps: number; baseline_tco2e: number; leakage_tco2e: number };
  area_ha: number;
  wood_densities: WoodDensity[];
  survey: Survey;
  previous_survey: Survey | null;
  stock_tco2e: number;
  stock_before_tco2e: number | null;
  removals_tco2e: number | null;
  credits: Credits | null;
  buffer_tco2e: number | null;
  net_tco2e: number | null;
  /// The command line that reruns the calculation, and the files it reads.
  rerun: string;
  survey_csv: string;
  previous_csv: string;
}

export type Calculation =
  | { kind: 'empty' }
  | { kind: 'forestry'; record: ForestryRecord }
  | { kind: 'json'; text: string }
  | { kind: 'text'; text: string };

type Json = Record<string, unknown>;

class NotARecord extends Error {}

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/// A number the record gives as a JSON number or as a decimal string
/// ("143.78171"); the server writes exact decimals as strings.
export function numberOf(value: unknown): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value)) return Number(value);
  throw new NotARecord(`not a number: ${JSON.stringify(value)}`);
}

const optionalNumber = (value: unknown): number | null => (value === undefined || value === null ? null : numberOf(value));
const text = (value: unknown): string => (typeof value === 'string' ? value : '');

function objectOf(value: unknown): Json {
  if (!isObject(value)) throw new NotARecord('not an object');
  return value;
}

function arrayOf(value: unknown): unknown[] {
  if (!Array.isArray(value)) throw new NotARecord('not a list');
  return value;
}

function readSurvey(value: unknown): Survey {
  const survey = objectOf(value);
  const plots = arrayOf(survey.plots).map((p) => {
    const plot = objectOf(p);
    return {
      plot_id: String(plot.plot_id ?? ''),
      area_m2: numberOf(plot.area_m2),
      trees: numberOf(plot.trees),
      saplings: numberOf(plot.saplings),
      agb_g: numberOf(plot.agb_g),
      bgb_g: numberOf(plot.bgb_g),
      density_t_per_ha: numberOf(plot.density_t_per_ha),
    };
  });
  let uncertainty: SurveyUncertainty | null = null;
  if (isObject(survey.uncertainty)) {
    const u = survey.uncertainty;
    uncertainty = {
      plots: numberOf(u.plots),
      mean_density_t_per_ha: numberOf(u.mean_density_t_per_ha),
      standard_deviation_t_per_ha: numberOf(u.standard_deviation_t_per_ha),
      student_t: numberOf(u.student_t),
      half_width_t_per_ha: numberOf(u.half_width_t_per_ha),
      u_bps: numberOf(u.u_bps),
      deduction_rate_bps: numberOf(u.deduction_rate_bps),
    };
  }
  return {
    plots,
    trees: numberOf(survey.trees),
    saplings: numberOf(survey.saplings),
    mean_density_t_per_ha: numberOf(survey.mean_density_t_per_ha),
    stock_tco2e: numberOf(survey.stock_tco2e),
    uncertainty,
  };
}

function readCredits(value: unknown): Credits | null {
  if (value === undefined || value === null) return null;
  const c = objectOf(value);
  return {
    removals_tco2e: numberOf(c.removals_tco2e),
    uncertainty_bps: numberOf(c.uncertainty_bps),
    deduction_rate_bps: numberOf(c.deduction_rate_bps),
    uncertainty_deduction_tco2e: numberOf(c.uncertainty_deduction_tco2e),
    verified_tco2e: numberOf(c.verified_tco2e),
    buffer_tco2e: numberOf(c.buffer_tco2e),
    net_tco2e: numberOf(c.net_tco2e),
  };
}

/// A forestry record from its parsed JSON; throws when a part is missing
/// or of the wrong kind.
function readForestry(json: Json): ForestryRecord {
  const method = objectOf(json.method);
  const inputs = objectOf(json.inputs);
  const densities = arrayOf(json.wood_densities ?? []).map((d) => {
    const density = objectOf(d);
    return {
      species: text(density.species),
      wood_density_g_per_cm3: numberOf(density.wood_density_g_per_cm3),
      source: text(density.source),
      status: text(density.status),
    };
  });
  return {
    method: Object.fromEntries(METHOD_PARTS.map((part) => [part, text(method[part])])) as Record<MethodPart, string>,
    inputs: {
      area_rai: numberOf(inputs.area_rai),
      buffer_bps: numberOf(inputs.buffer_bps),
      baseline_tco2e: optionalNumber(inputs.baseline_tco2e) ?? 0,
      leakage_tco2e: optionalNumber(inputs.leakage_tco2e) ?? 0,
    },
    area_ha: numberOf(json.area_ha),
    wood_densities: densities,
    survey: readSurvey(json.survey),
    previous_survey: json.previous_survey ? readSurvey(json.previous_survey) : null,
    stock_tco2e: numberOf(json.stock_tco2e),
    stock_before_tco2e: optionalNumber(json.stock_before_tco2e),
    removals_tco2e: optionalNumber(json.removals_tco2e),
    credits: readCredits(json.credits),
    buffer_tco2e: optionalNumber(json.buffer_tco2e),
    net_tco2e: optionalNumber(json.net_tco2e),
    rerun: text(json.rerun),
    survey_csv: text(json.survey_csv),
    previous_csv: text(json.previous_csv),
  };
}

/// What a report's calculation text holds.
export function readCalculation(source: string): Calculation {
  if (!source.trim()) return { kind: 'empty' };
  let json: unknown;
  try {
    json = JSON.parse(source);
  } catch {
    return { kind: 'text', text: source };
  }
  const pretty = JSON.stringify(json, null, 2);
  if (isObject(json) && isObject(json.method) && typeof json.method.methodology === 'string') {
    try {
      return { kind: 'forestry', record: readForestry(json) };
    } catch (error) {
      if (!(error instanceof NotARecord)) throw error;
      // A record that names a method but not its parts: show it as written.
    }
  }
  return { kind: 'json', text: pretty };
}

export function surveyTotals(survey: Survey): SurveyTotals {
  const totals: SurveyTotals = { plots: survey.plots.length, area_m2: 0, trees: 0, saplings: 0, agb_g: 0, bgb_g: 0 };
  for (const plot of survey.plots) {
    totals.area_m2 += plot.area_m2;
    totals.trees += plot.trees;
    totals.saplings += plot.saplings;
    totals.agb_g += plot.agb_g;
    totals.bgb_g += plot.bgb_g;
  }
  return totals;
}

/// The chain from stock to net credits, each step with its result and the
/// figures it was computed from (as the method states it).
export type StepName =
  | 'stock_now'
  | 'stock_before'
  | 'removals'
  | 'uncertainty'
  | 'deduction_rate'
  | 'deduction'
  | 'verified'
  | 'buffer'
  | 'net';

/// A value and how to show it: tonnes of CO2e, a share in basis points,
/// tonnes of biomass per hectare, hectares, or a plain number.
export type Figure = { unit: 'tonnes' | 'bps' | 't_per_ha' | 'ha' | 'plain'; value: number };

export interface Step {
  step: StepName;
  result: Figure;
  from: Record<string, Figure>;
}

const tonnes = (value: number): Figure => ({ unit: 'tonnes', value });
const bps = (value: number): Figure => ({ unit: 'bps', value });

/// The steps the record lets a verifier check. A record without a previous
/// survey states the stock only.
export function forestrySteps(record: ForestryRecord): Step[] {
  const area: Figure = { unit: 'ha', value: record.area_ha };
  const stockFrom = (survey: Survey) => ({ density: { unit: 't_per_ha', value: survey.mean_density_t_per_ha } as Figure, area });
  const steps: Step[] = [{ step: 'stock_now', result: tonnes(record.stock_tco2e), from: stockFrom(record.survey) }];
  const previous = record.previous_survey;
  if (!previous || record.stock_before_tco2e === null) return steps;
  steps.push({ step: 'stock_before', result: tonnes(record.stock_before_tco2e), from: stockFrom(previous) });
  const credits = record.credits;
  const removals = credits?.removals_tco2e ?? record.removals_tco2e;
  if (removals === null) return steps;
  steps.push({
    step: 'removals',
    result: tonnes(removals),
    from: {
      now: tonnes(record.stock_tco2e),
      before: tonnes(record.stock_before_tco2e),
      baseline: tonnes(record.inputs.baseline_tco2e),
      leakage: tonnes(record.inputs.leakage_tco2e),
    },
  });
  if (!credits) return steps;
  const u = record.survey.uncertainty;
  steps.push({
    step: 'uncertainty',
    result: bps(credits.uncertainty_bps),
    from: u
      ? {
          half_width: { unit: 't_per_ha', value: u.half_width_t_per_ha },
          mean: { unit: 't_per_ha', value: u.mean_density_t_per_ha },
          student_t: { unit: 'plain', value: u.student_t },
        }
      : {},
  });
  steps.push({ step: 'deduction_rate', result: bps(credits.deduction_rate_bps), from: { u: bps(credits.uncertainty_bps) } });
  steps.push({
    step: 'deduction',
    result: tonnes(credits.uncertainty_deduction_tco2e),
    from: { rate: bps(credits.deduction_rate_bps), u: bps(credits.uncertainty_bps), removals: tonnes(credits.removals_tco2e) },
  });
  steps.push({
    step: 'verified',
    result: tonnes(credits.verified_tco2e),
    from: { removals: tonnes(credits.removals_tco2e), deduction: tonnes(credits.uncertainty_deduction_tco2e) },
  });
  steps.push({
    step: 'buffer',
    result: tonnes(credits.buffer_tco2e),
    from: { share: bps(record.inputs.buffer_bps), verified: tonnes(credits.verified_tco2e) },
  });
  steps.push({
    step: 'net',
    result: tonnes(credits.net_tco2e),
    from: { verified: tonnes(credits.verified_tco2e), buffer: tonnes(credits.buffer_tco2e) },
  });
  return steps;
}
