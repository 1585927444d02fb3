//! A factory's plans beside its inventory: the reduction target with the
//! path to it and each year's progress (a chart and its table), its
//! reduction projects (one that follows a credit methodology can become a
//! registry project), and the form to publish a best practice.

import { useI18n, type MessageKey } from '../i18n/i18n';
import { command, get, getPage } from '../lib/api';
import { parseWholeNumber } from '../lib/format';
import { REDUCTION_KINDS, type FactoryProgress, type Reduction, type TargetSetting } from '../lib/types';
import { ChartFigure, ColumnChart, Legend } from '../ui/charts';
import { Empty, LoadError, Loading } from '../ui/bits';
import { useFetch } from '../ui/fetch';
import { Field, FormError, SubmitButton, useForm } from '../ui/form';
import { DataTable } from '../ui/table';
import { Link } from '../ui/link';

/// Percent typed by a person ("30" or "12.5") as basis points; null when it is not one.
export function percentToBps(text: string): number | null {
  const trimmed = text.trim().replace('%', '').replace(',', '.');
  if (!/^\d+(\.\d{1,2})?$/.test(trimmed)) return null;
  const bps = Math.round(Number(trimmed) * 100);
  return bps > 0 && bps <= 10_000 ? bps : null;
}

function TargetForm({ org, target, years, done }: { org: number; target: TargetSetting | null; years: number[]; done: () => void }) {
  const { t } = useI18n();
  const form = useForm(
    {
      base_year: String(target?.base_year ?? years[0] ?? ''),
      target_year: String(target?.target_year ?? 2030),
      reduction_bps: target ? String(target.reduction / 100) : '30',
      net_zero_year: String(target?.net_zero_year ?? 2050),
    },
    'target',
  );
  const submit = form.submit(async (values, key) => {
    const base = parseWholeNumber(values.base_year);
    const until = parseWholeNumber(values.target_year);
    const zero = parseWholeNumber(values.net_zero_year);
    const bps = percentToBps(values.reduction_bps);
    if (base === null) return form.fail({ base_year: { key: 'error.whole_number' } });
    if (until === null) return form.fail({ target_year: { key: 'error.whole_number' } });
    if (bps === null) return form.fail({ reduction_bps: { key: 'error.percent' } });
    if (zero === null) return form.fail({ net_zero_year: { key: 'error.whole_number' } });
    const body = { base_year: base, target_year: until, reduction_bps: bps, net_zero_year: zero };
    await command(`/factories/${org}/target`, body, key, 'PUT');
    done();
  });
  return (
    <form onSubmit={submit} noValidate class="stacked-form" data-testid="target-form">
      <FormError problem={form.formError} />
      <div class="two-columns">
        <Field form={form} name="base_year" label="target.base_year" inputMode="numeric" hint={t('target.base_year_hint')} required />
        <Field form={form} name="reduction_bps" label="target.reduction_percent" inputMode="decimal" required />
        <Field form={form} name="target_year" label="target.target_year" inputMode="numeric" required />
        <Field form={form} name="net_zero_year" label="target.net_zero_year" inputMode="numeric" required />
      </div>
      <SubmitButton busy={form.busy} label="target.save" testid="save-target" />
    </form>
  );
}

function ProgressChart({ progress }: { progress: FactoryProgress }) {
  const { t, tonnes } = useI18n();
  const actual: Record<string, number> = {};
  const net: Record<string, number> = {};
  for (const y of progress.years) {
    actual[y.year] = y.actual_tco2e;
    net[y.year] = Math.max(0, y.net_tco2e);
  }
  const path: Record<string, number> = {};
  for (const point of progress.trajectory) path[point.year] = point.allowed_tco2e;
  // Up to the target year: the decades to net zero would squeeze the recorded years into slivers.
  const last = Math.max(...progress.years.map((y) => y.year), progress.target?.target_year ?? 0);
  const first = Math.min(...progress.years.map((y) => y.year), ...progress.trajectory.map((p) => p.year));
  const categories = Array.from({ length: last - first + 1 }, (_, i) => String(first + i));
  const latest = progress.years[progress.years.length - 1];
  const summary = latest?.progress
    ? t(latest.progress.on_track ? 'target.on_track' : 'target.off_track', {
        year: latest.year,
        actual: tonnes(latest.actual_tco2e),
        allowed: tonnes(latest.progress.allowed_tco2e),
      })
    : t('target.no_target');
  const bars = [
    { key: 'actual', label: t('target.actual'), tone: 'brand', values: actual },
    { key: 'net', label: t('target.net'), tone: 'info', values: net },
  ];
  const line = { key: 'path', label: t('target.path'), tone: 'accent', values: path };
  return (
    <ChartFigure
      id="progress"
      testid="progress-chart"
      title="target.chart_title"
      summary={summary}
      table={
        <DataTable
          caption={t('target.chart_title')}
          rows={progress.years}
          rowKey={(y) => y.year}
          testid="progress-table"
          columns={[
            { label: 'dashboard.year', cell: (y) => y.year },
            { label: 'target.actual', cell: (y) => tonnes(y.actual_tco2e), numeric: true },
            { label: 'target.allowed', cell: (y) => (y.progress ? tonnes(y.progress.allowed_tco2e) : '—'), numeric: true },
            { label: 'target.retired', cell: (y) => tonnes(y.retired_tco2e), numeric: true },
            { label: 'target.net', cell: (y) => tonnes(y.net_tco2e), numeric: true },
            {
              label: 'target.status',
              cell: (y) => (y.progress ? t(y.progress.on_track ? 'target.status_on' : 'target.status_off') : '—'),
            },
          ]}
        />
      }
    >
      {(width) => (
        <>
          <ColumnChart
            width={width}
            label={summary}
            categories={categories}
            bars={bars}
            line={progress.trajectory.length ? line : undefined}
            markers={progress.target ? [{ at: String(progress.target.target_year), label: t('target.marker', { year: progress.target.target_year }) }] : undefined}
            tickEvery={(_, i) => categories.length <= 12 || i % 5 === 0}
          />
          <Legend
            items={[
              ...bars.map((b) => ({ key: b.key, label: b.label, tone: b.tone })),
              ...(progress.trajectory.length ? [{ key: 'path', label: line.label, tone: 'accent', line: true }] : []),
            ]}
          />
        </>
      )}
    </ChartFigure>
  );
}

export function TargetSection({ org, years }: { org: number; years: number[] }) {
  const { t } = useI18n();
  const progress = useFetch((signal) => get<FactoryProgress>(`/factories/${org}/progress`, {}, signal), [org, years.join()]);
  return (
    <section aria-labelledby="target-title" data-testid="target">
      <h2 id="target-title">{t('target.title')}</h2>
      {progress.error ? (
        <LoadError error={progress.error} reload={progress.reload} />
      ) : !progress.data ? (
        <Loading />
      ) : (
        <>
          {progress.data.years.length > 0 && <ProgressChart progress={progress.data} />}
          <div class="card">
            <h3>{t(progress.data.target ? 'target.change' : 'target.set')}</h3>
            <TargetForm org={org} target={progress.data.target} years={years} done={progress.reload} />
          </div>
        </>
      )}
    </section>
  );
}

export function useKindName() {
  const { t } = useI18n();
  return (kind: string) => t(`reduction.kind.${kind}` as MessageKey);
}

function ReductionForm({ org, done }: { org: number; done: () => void }) {
  const { t } = useI18n();
  const kindName = useKindName();
  const form = useForm(
    { kind: 'steam_reduction', title: '', description: '', estimated_tco2e_per_year: '', start_year: String(new Date().getFullYear()), status: 'planned' },
    'reduction',
  );
  const submit = form.submit(async (values, key) => {
    const tonnes = parseWholeNumber(values.estimated_tco2e_per_year);
    const start = parseWholeNumber(values.start_year);
    if (tonnes === null) return form.fail({ estimated_tco2e_per_year: { key: 'error.whole_number' } });
    if (start === null) return form.fail({ start_year: { key: 'error.whole_number' } });
    const body = { ...values, estimated_tco2e_per_year: tonnes, start_year: start };
    await command(`/factories/${org}/reductions`, body, key);
    form.reset({ title: '', description: '', estimated_tco2e_per_year: '' });
    done();
  });
  const kinds = REDUCTION_KINDS.map((k) => ({ value: k, label: kindName(k) }));
  const statuses = ['planned', 'in_operation'].map((s) => ({ value: s, label: t(`reduction.status.${s}` as MessageKey) }));
  return (
    <form onSubmit={submit} noValidate class="stacked-form card" data-testid="reduction-form" aria-labelledby="reduction-form-title">
      <h3 id="reduction-form-title">{t('reduction.new_title')}</h3>
      <FormError problem={form.formError} />
      <Field form={form} name="kind" label="reduction.kind_label" options={kinds} required />
      <Field form={form} name="title" label="reduction.title_label" required />
      <Field form={form} name="description" label="reduction.description" multiline rows={3} />
      <div class="two-columns">
        <Field form={form} name="estimated_tco2e_per_year" label="reduction.estimated" inputMode="numeric" required />
        <Field form={form} name="start_year" label="reduction.start_year" inputMode="numeric" required />
      </div>
      <Field form={form} name="status" label="reduction.status_label" options={statuses} required />
      <SubmitButton busy={form.busy} label="reduction.register" testid="register-reduction" />
    </form>
  );
}

function RegistryLink({ reduction }: { reduction: Reduction }) {
  const { t } = useI18n();
  if (reduction.registry_project_id) {
    return (
      <Link href={`/projects/${reduction.registry_project_id}`}>
        {t('reduction.registry_project', { id: reduction.registry_project_id })}
      </Link>
    );
  }
  if (!reduction.methodology) return <span class="hint">{t('reduction.no_methodology')}</span>;
  return (
    <Link href={`/reductions/${reduction.id}/promote`} class="button secondary small">
      {t('reduction.promote')}
    </Link>
  );
}

export function ReductionsSection({ org }: { org: number }) {
  const { t, num } = useI18n();
  const kindName = useKindName();
  const list = useFetch((signal) => getPage<Reduction>('/reductions', { org, per_page: 100 }, signal), [org]);
  return (
    <section aria-labelledby="reductions-title" data-testid="reductions">
      <h2 id="reductions-title">{t('reduction.section_title')}</h2>
      {list.error ? (
        <LoadError error={list.error} reload={list.reload} />
      ) : !list.data ? (
        <Loading />
      ) : list.data.items.length === 0 ? (
        <Empty message="reduction.none" />
      ) : (
        <DataTable
          caption={t('reduction.section_title')}
          rows={list.data.items}
          rowKey={(r) => r.id}
          testid="reduction-table"
          columns={[
            { label: 'reduction.title_label', cell: (r) => r.title },
            { label: 'reduction.kind_label', cell: (r) => kindName(r.kind) },
            { label: 'reduction.estimated', cell: (r) => num(r.estimated_tco2e_per_year), numeric: true },
            { label: 'reduction.start_year', cell: (r) => r.start_year },
            { label: 'reduction.status_label', cell: (r) => t(`reduction.status.${r.status}` as MessageKey) },
            { label: 'reduction.credits', cell: (r) => <RegistryLink reduction={r} /> },
          ]}
        />
      )}
      <ReductionForm org={org} done={list.reload} />
      <PracticeForm org={org} reductions={list.data?.items ?? []} />
    </section>
  );
}

function PracticeForm({ org, reductions }: { org: number; reductions: Reduction[] }) {
  const { t } = useI18n();
  const kindName = useKindName();
  const form = useForm(
    {
      reduction_id: '',
      kind: 'steam_reduction',
      title: '',
      summary: '',
      measured_reduction_tco2e: '',
      measured_year: String(new Date().getFullYear() - 1),
      measurement: '',
      investment_baht: '',
    },
    'practice',
  );
  const submit = form.submit(async (values, key) => {
    const tonnes = parseWholeNumber(values.measured_reduction_tco2e);
    const year = parseWholeNumber(values.measured_year);
    const investment = values.investment_baht.trim() ? parseWholeNumber(values.investment_baht) : undefined;
    if (tonnes === null) return form.fail({ measured_reduction_tco2e: { key: 'error.whole_number' } });
    if (year === null) return form.fail({ measured_year: { key: 'error.whole_number' } });
    if (investment === null) return form.fail({ investment_baht: { key: 'error.whole_number' } });
    const reduction = values.reduction_id ? Number(values.reduction_id) : null;
    const body = { ...values, reduction_id: reduction, measured_reduction_tco2e: tonnes, measured_year: year, investment_baht: investment ?? null };
    await command(`/factories/${org}/practices`, body, key);
    form.reset({ title: '', summary: '', measured_reduction_tco2e: '', measurement: '', investment_baht: '' });
  });
  const kinds = REDUCTION_KINDS.map((k) => ({ value: k, label: kindName(k) }));
  const own = [{ value: '', label: t('practice.no_reduction') }, ...reductions.map((r) => ({ value: String(r.id), label: r.title }))];
  return (
    <form onSubmit={submit} noValidate class="stacked-form card" data-testid="practice-form" aria-labelledby="practice-form-title">
      <h3 id="practice-form-title">{t('practice.new_title')}</h3>
      <p class="hint">{t('practice.new_text')}</p>
      <FormError problem={form.formError} />
      <Field form={form} name="reduction_id" label="practice.reduction" options={own} />
      <Field form={form} name="kind" label="reduction.kind_label" options={kinds} required />
      <Field form={form} name="title" label="practice.title_label" required />
      <Field form={form} name="summary" label="practice.summary" multiline rows={3} required />
      <div class="two-columns">
        <Field form={form} name="measured_reduction_tco2e" label="practice.measured" inputMode="numeric" required />
        <Field form={form} name="measured_year" label="practice.measured_year" inputMode="numeric" required />
      </div>
      <Field form={form} name="measurement" label="practice.measurement" multiline rows={2} hint={t('practice.measurement_hint')} required />
      <Field form={form} name="investment_baht" label="practice.investment" inputMode="numeric" />
      <SubmitButton busy={form.busy} label="practice.publish" testid="publish-practice" />
    </form>
  );
}
