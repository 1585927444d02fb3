//! A monitoring report's calculation record, for a verifier to check line by
//! line. A forestry record shows the method's equations, the inputs, the
//! wood densities and their sources, every plot of both surveys with their
//! totals, the chain of steps from stock to net credits with the figures
//! each used, and the command that reruns it all with the two survey files
//! (downloadable here). Any other record is shown as written.

import type { ComponentChildren } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { useI18n, type MessageKey } from '../i18n/i18n';
import {
  forestrySteps,
  METHOD_PARTS,
  readCalculation,
  surveyTotals,
  type Figure,
  type ForestryRecord,
  type Plot,
  type Survey,
} from '../lib/calculation';
import { formatDecimal } from '../lib/format';
import { Facts } from '../ui/bits';
import { DataTable } from '../ui/table';

/// A table that scrolls sideways inside its own box rather than widening
/// the page; focusable so a keyboard can scroll it.
function Scroll({ label, children }: { label: string; children: ComponentChildren }) {
  return (
    <div class="table-scroll" role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
}

/// Recorded decimals in full (up to six places), so they match a rerun.
function useDecimal() {
  const { locale } = useI18n();
  return (value: number) => formatDecimal(value, locale);
}

function useFigure() {
  const { t, tonnes, percentBps } = useI18n();
  const decimal = useDecimal();
  return (figure: Figure) => {
    switch (figure.unit) {
      case 'tonnes':
        return tonnes(figure.value);
      case 'bps':
        return percentBps(figure.value);
      case 't_per_ha':
        return t('calc.t_per_ha', { value: decimal(figure.value) });
      case 'ha':
        return t('calc.ha', { value: decimal(figure.value) });
      default:
        return decimal(figure.value);
    }
  };
}

type PlotRow = Plot & { total?: boolean };

function SurveyTable({ survey, title, testid, prefix }: { survey: Survey; title: MessageKey; testid: string; prefix: string }) {
  const { t, num, tonnes } = useI18n();
  const decimal = useDecimal();
  const figure = useFigure();
  const totals = surveyTotals(survey);
  const rows: PlotRow[] = [
    ...survey.plots,
    {
      plot_id: t('calc.all_plots', { count: num(totals.plots) }),
      area_m2: totals.area_m2,
      trees: totals.trees,
      saplings: totals.saplings,
      agb_g: totals.agb_g,
      bgb_g: totals.bgb_g,
      density_t_per_ha: survey.mean_density_t_per_ha,
      total: true,
    },
  ];
  const bold = (row: PlotRow, text: string) => (row.total ? <strong>{text}</strong> : text);
  const id = `${prefix}-${testid}`;
  return (
    <section aria-labelledby={id}>
      <h3 id={id}>{t(title)}</h3>
      <p>
        {t('calc.survey_summary', {
          plots: num(survey.plots.length),
          trees: num(survey.trees),
          saplings: num(survey.saplings),
          density: figure({ unit: 't_per_ha', value: survey.mean_density_t_per_ha }),
          stock: tonnes(survey.stock_tco2e),
        })}
      </p>
      <Scroll label={t(title)}>
        <DataTable
          caption={t(title)}
          rows={rows}
          rowKey={(p) => (p.total ? '' : `plot-${p.plot_id}`)}
          testid={testid}
          columns={[
            { label: 'calc.plot', cell: (p) => bold(p, p.plot_id) },
            { label: 'calc.area_m2', cell: (p) => bold(p, decimal(p.area_m2)), numeric: true },
            { label: 'calc.trees', cell: (p) => bold(p, num(p.trees)), numeric: true },
            { label: 'calc.saplings', cell: (p) => bold(p, num(p.saplings)), numeric: true },
            { label: 'calc.agb_kg', cell: (p) => bold(p, decimal(p.agb_g / 1000)), numeric: true },
            { label: 'calc.bgb_kg', cell: (p) => bold(p, decimal(p.bgb_g / 1000)), numeric: true },
            {
              label: 'calc.density',
              cell: (p) => bold(p, p.total ? t('calc.mean', { value: decimal(p.density_t_per_ha) }) : decimal(p.density_t_per_ha)),
              numeric: true,
            },
          ]}
        />
      </Scroll>
    </section>
  );
}

function Steps({ record, prefix }: { record: ForestryRecord; prefix: string }) {
  const { t } = useI18n();
  const figure = useFigure();
  const steps = forestrySteps(record);
  const from = (step: (typeof steps)[number]) => {
    const values = Object.fromEntries(Object.entries(step.from).map(([name, f]) => [name, figure(f)]));
    return Object.keys(values).length ? t(`calc.from.${step.step}` as MessageKey, values) : '—';
  };
  return (
    <section aria-labelledby={`${prefix}-steps`}>
      <h3 id={`${prefix}-steps`}>{t('calc.steps')}</h3>
      <Scroll label={t('calc.steps')}>
        <DataTable
          caption={t('calc.steps')}
          rows={steps}
          rowKey={(s) => s.step}
          testid="step-table"
          columns={[
            { label: 'calc.step', cell: (s) => t(`calc.step.${s.step}` as MessageKey) },
            { label: 'calc.from', cell: (s) => from(s) },
            { label: 'calc.result', cell: (s) => <strong data-step={s.step}>{figure(s.result)}</strong>, numeric: true },
          ]}
        />
      </Scroll>
    </section>
  );
}

/// Blob URLs for the survey files, let go when the record leaves the page.
function useFileUrls(survey: string, previous: string): string[] {
  const urls = useMemo(
    () => [survey, previous].map((text) => URL.createObjectURL(new Blob([text], { type: 'text/csv' }))),
    [survey, previous],
  );
  useEffect(() => () => urls.forEach((url) => URL.revokeObjectURL(url)), [urls]);
  return urls;
}

function Rerun({ record, prefix }: { record: ForestryRecord; prefix: string }) {
  const { t } = useI18n();
  const code = useRef<HTMLElement>(null);
  const [copied, setCopied] = useState<'copied' | 'selected' | null>(null);
  const [survey, previous] = useFileUrls(record.survey_csv, record.previous_csv);
  const copy = async () => {
    // Select the command first: what a reader sees selected is what is
    // copied, and it stays selectable where no clipboard is allowed.
    const selection = window.getSelection();
    if (code.current && selection) {
      const range = document.createRange();
      range.selectNodeContents(code.current);
      selection.removeAllRanges();
      selection.addRange(range);
    }
    let done = false;
    try {
      done = document.execCommand('copy');
    } catch {
      done = false;
    }
    if (!done && navigator.clipboard) {
      // Outside a secure context there is no clipboard; a browser may also
      // leave the promise waiting on a permission, so give it two seconds.
      const late = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('clipboard timed out')), 2000));
      done = await Promise.race([navigator.clipboard.writeText(record.rerun), late]).then(
        () => true,
        () => false,
      );
    }
    setCopied(done ? 'copied' : 'selected');
  };
  const name = (stem: string) => `${stem}.csv`;
  return (
    <section aria-labelledby={`${prefix}-rerun`}>
      <h3 id={`${prefix}-rerun`}>{t('calc.rerun')}</h3>
      <p>{t('calc.rerun_text')}</p>
      <p class="actions">
        {record.survey_csv && (
          <a class="button secondary" href={survey} download={name('survey')} data-testid="download-survey">
            {t('calc.download_survey')}
          </a>
        )}
        {record.previous_csv && (
          <a class="button secondary" href={previous} download={name('previous')} data-testid="download-previous">
            {t('calc.download_previous')}
          </a>
        )}
      </p>
      <pre class="command" data-testid="rerun-command">
        <code ref={code} lang="en">
          {record.rerun}
        </code>
      </pre>
      <p class="actions">
        <button type="button" class="button secondary small" onClick={copy} data-testid="copy-rerun">
          {t('calc.copy')}
        </button>
        <span role="status">{copied === 'copied' ? t('calc.copied') : copied === 'selected' ? t('calc.selected') : ''}</span>
      </p>
    </section>
  );
}

function ForestryView({ record, prefix }: { record: ForestryRecord; prefix: string }) {
  const { t, num, tonnes, percentBps } = useI18n();
  const decimal = useDecimal();
  const english = (text: string) => <span lang="en">{text}</span>;
  const status = (s: string) => {
    const key = `calc.status.${s.replace(/[^a-z]+/g, '_')}`;
    return t(key as MessageKey) === key ? s : t(key as MessageKey);
  };
  const inputs = record.inputs;
  return (
    <div class="record" data-testid="forestry-record">
      <section aria-labelledby={`${prefix}-method`}>
        <h3 id={`${prefix}-method`}>{t('calc.method')}</h3>
        <Facts items={METHOD_PARTS.map((part) => [`calc.method.${part}` as MessageKey, english(record.method[part])])} />
      </section>
      <section aria-labelledby={`${prefix}-inputs`}>
        <h3 id={`${prefix}-inputs`}>{t('calc.inputs')}</h3>
        <Facts
          items={[
            ['calc.area', t('unit.rai_ha', { rai: num(inputs.area_rai), ha: decimal(record.area_ha) })],
            ['calc.buffer_share', percentBps(inputs.buffer_bps)],
            ['calc.baseline', tonnes(inputs.baseline_tco2e)],
            ['calc.leakage', tonnes(inputs.leakage_tco2e)],
          ]}
        />
      </section>
      {record.wood_densities.length > 0 && (
        <section aria-labelledby={`${prefix}-densities`}>
          <h3 id={`${prefix}-densities`}>{t('calc.densities')}</h3>
          <Scroll label={t('calc.densities')}>
            <DataTable
              caption={t('calc.densities')}
              rows={record.wood_densities}
              rowKey={(d) => d.species}
              testid="density-table"
              columns={[
                { label: 'calc.species', cell: (d) => <i lang="la">{d.species}</i> },
                { label: 'calc.wood_density', cell: (d) => decimal(d.wood_density_g_per_cm3), numeric: true },
                { label: 'calc.source', cell: (d) => english(d.source) },
                { label: 'calc.status', cell: (d) => status(d.status) },
              ]}
            />
          </Scroll>
        </section>
      )}
      <SurveyTable survey={record.survey} title="calc.survey_now" testid="plot-table-survey" prefix={prefix} />
      {record.previous_survey && (
        <SurveyTable survey={record.previous_survey} title="calc.survey_before" testid="plot-table-previous" prefix={prefix} />
      )}
      <Steps record={record} prefix={prefix} />
      {record.rerun && <Rerun record={record} prefix={prefix} />}
    </div>
  );
}

/// The record behind a report's claim, folded under its summary line.
export function Calculation({ text, reportId, open }: { text: string; reportId: number; open?: boolean }) {
  const { t } = useI18n();
  const read = useMemo(() => readCalculation(text), [text]);
  if (read.kind === 'empty') return null;
  const prefix = `calc-${reportId}`;
  return (
    <details class="calculation" open={open} data-testid={`calculation-${reportId}`}>
      <summary>{t('calc.summary', { id: reportId })}</summary>
      {read.kind === 'forestry' ? <ForestryView record={read.record} prefix={prefix} /> : <pre>{read.text}</pre>}
    </details>
  );
}
