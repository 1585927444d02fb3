//! A monitoring report, two ways: the proponent enters the claim and its
//! calculation, or hands in the plot surveys of this monitoring and the one
//! before and the server computes the claim by the forestry methodology,
//! with the project's own area and buffer, attaching the whole record.

import { useState } from 'preact/hooks';
import { useI18n } from '../i18n/i18n';
import { command, get } from '../lib/api';
import { parseWholeNumber } from '../lib/format';
import { creditClasses } from '../lib/lookups';
import { navigate } from '../lib/router';
import type { CsvProblem, Project } from '../lib/types';
import { LoadError, Loading, PageTitle } from '../ui/bits';
import { CsvField, csvProblemsOf } from '../ui/csv-field';
import { useFetch } from '../ui/fetch';
import { Field, FormError, SubmitButton, useForm } from '../ui/form';
import { Link } from '../ui/link';

/// The header a plot survey starts with.
export const SURVEY_HEADER = 'plot_id,plot_area_m2,species,dbh_cm,height_m';

type Mode = 'claim' | 'surveys';

/// Tonnes as the server takes them: a decimal such as "12.5", separators
/// allowed; empty means none. Returns null for anything else.
export function parseTonnes(text: string): string | null {
  const compact = text.trim().replace(/[,\s_]/g, '');
  if (compact === '') return '';
  return /^\d{1,12}(\.\d{1,6})?$/.test(compact) ? compact : null;
}

function DatePreview({ iso }: { iso: string }) {
  const { date } = useI18n();
  return /^\d{4}-\d{2}-\d{2}$/.test(iso) ? <span class="date-preview">{date(iso)}</span> : null;
}

function ClaimForm({ id }: { id: number }) {
  const { t } = useI18n();
  const form = useForm({ period_start: '', period_end: '', claimed_tco2e: '', calculation: '' });
  const submit = form.submit(async (values, key) => {
    const claimed = parseWholeNumber(values.claimed_tco2e);
    if (claimed === null) return form.fail({ claimed_tco2e: { key: 'error.whole_number' } });
    if (!values.period_start) return form.fail({ period_start: { key: 'error.required' } });
    if (!values.period_end) return form.fail({ period_end: { key: 'error.required' } });
    const body = { ...values, claimed_tco2e: claimed };
    await command(`/projects/${id}/reports`, body, key);
    navigate(`/projects/${id}`);
  });
  return (
    <form onSubmit={submit} noValidate class="stacked-form" data-testid="report-form">
      <FormError problem={form.formError} />
      <Field form={form} name="period_start" label="report.period_start" type="date" hint={<DatePreview iso={form.values.period_start} />} required />
      <Field form={form} name="period_end" label="report.period_end" type="date" hint={<DatePreview iso={form.values.period_end} />} required />
      <Field form={form} name="claimed_tco2e" label="report.claimed_tco2e" inputMode="numeric" required />
      <Field form={form} name="calculation" label="report.calculation" multiline rows={6} hint={t('report.calculation_hint')} />
      <div class="form-actions">
        <SubmitButton busy={form.busy} label="report.submit" testid="submit-report" />
        <Link href={`/projects/${id}`} class="button secondary">
          {t('common.cancel')}
        </Link>
      </div>
    </form>
  );
}

type SurveyFile = 'survey_csv' | 'previous_csv';

function SurveysForm({ project }: { project: Project }) {
  const { t, num, percentBps } = useI18n();
  const id = project.id;
  const form = useForm(
    {
      period_start: '',
      period_end: '',
      survey_csv: `${SURVEY_HEADER}\n`,
      previous_csv: `${SURVEY_HEADER}\n`,
      baseline_tco2e: '',
      leakage_tco2e: '',
    },
    'forestry',
  );
  const [problems, setProblems] = useState<Record<SurveyFile, CsvProblem[]>>({ survey_csv: [], previous_csv: [] });
  const submit = form.submit(async (values, key) => {
    setProblems({ survey_csv: [], previous_csv: [] });
    if (!values.period_start) return form.fail({ period_start: { key: 'error.required' } });
    if (!values.period_end) return form.fail({ period_end: { key: 'error.required' } });
    const baseline = parseTonnes(values.baseline_tco2e);
    if (baseline === null) return form.fail({ baseline_tco2e: { key: 'error.tonnes' } });
    const leakage = parseTonnes(values.leakage_tco2e);
    if (leakage === null) return form.fail({ leakage_tco2e: { key: 'error.tonnes' } });
    const body = {
      period_start: values.period_start,
      period_end: values.period_end,
      survey_csv: values.survey_csv,
      previous_csv: values.previous_csv,
      baseline_tco2e: baseline || undefined,
      leakage_tco2e: leakage || undefined,
    };
    try {
      await command(`/projects/${id}/reports/forestry`, body, key);
    } catch (error) {
      setProblems({ survey_csv: csvProblemsOf(error, 'survey_csv'), previous_csv: csvProblemsOf(error, 'previous_csv') });
      throw error;
    }
    navigate(`/projects/${id}`);
  });
  const hint = t('monitoring.csv_hint', { header: SURVEY_HEADER });
  return (
    <form onSubmit={submit} noValidate class="stacked-form wide-form" data-testid="forestry-form">
      <p>{t('monitoring.surveys_text', { rai: num(project.area_rai), buffer: percentBps(project.buffer_bps) })}</p>
      <FormError problem={form.formError} />
      <Field form={form} name="period_start" label="report.period_start" type="date" hint={<DatePreview iso={form.values.period_start} />} required />
      <Field form={form} name="period_end" label="report.period_end" type="date" hint={<DatePreview iso={form.values.period_end} />} required />
      <CsvField
        form={form}
        name="survey_csv"
        label="monitoring.survey"
        fileLabel="monitoring.survey_file"
        hint={hint}
        problems={problems.survey_csv}
        summary="monitoring.problems"
        problemsTestid="survey-problems"
        required
      />
      <CsvField
        form={form}
        name="previous_csv"
        label="monitoring.previous"
        fileLabel="monitoring.previous_file"
        hint={hint}
        problems={problems.previous_csv}
        summary="monitoring.problems"
        problemsTestid="previous-problems"
        required
      />
      <Field form={form} name="baseline_tco2e" label="monitoring.baseline" inputMode="decimal" hint={t('monitoring.tonnes_hint')} />
      <Field form={form} name="leakage_tco2e" label="monitoring.leakage" inputMode="decimal" hint={t('monitoring.tonnes_hint')} />
      <div class="form-actions">
        <SubmitButton busy={form.busy} label="monitoring.compute" testid="submit-forestry" />
        <Link href={`/projects/${id}`} class="button secondary">
          {t('common.cancel')}
        </Link>
      </div>
    </form>
  );
}

function ModeChoice({ mode, choose }: { mode: Mode; choose: (mode: Mode) => void }) {
  const { t } = useI18n();
  const option = (value: Mode, label: 'monitoring.mode_claim' | 'monitoring.mode_surveys', hint: 'monitoring.mode_claim_hint' | 'monitoring.mode_surveys_hint') => (
    <div class="check-field">
      <input
        type="radio"
        id={`report-mode-${value}`}
        name="report-mode"
        value={value}
        checked={mode === value}
        onChange={() => choose(value)}
        aria-describedby={`report-mode-${value}-hint`}
        data-testid={`mode-${value}`}
      />
      <div>
        <label for={`report-mode-${value}`}>{t(label)}</label>
        <p class="hint" id={`report-mode-${value}-hint`}>
          {t(hint)}
        </p>
      </div>
    </div>
  );
  return (
    <fieldset class="choice">
      <legend>{t('monitoring.mode')}</legend>
      {option('claim', 'monitoring.mode_claim', 'monitoring.mode_claim_hint')}
      {option('surveys', 'monitoring.mode_surveys', 'monitoring.mode_surveys_hint')}
    </fieldset>
  );
}

export function ReportForm({ id }: { id: number }) {
  const { t } = useI18n();
  const project = useFetch((signal) => get<Project>(`/projects/${id}`, {}, signal), [id]);
  const classes = useFetch((signal) => creditClasses(signal), []);
  const [mode, setMode] = useState<Mode>('claim');
  if (project.error) return <LoadError error={project.error} reload={project.reload} />;
  if (!project.data) return <Loading />;
  // Plot surveys measure removals; a reduction class has nothing to survey.
  const kind = classes.data?.find((c) => c.id === project.data!.class)?.kind;
  const surveys = kind !== 'reduction';
  const shown: Mode = surveys ? mode : 'claim';
  return (
    <section class={shown === 'surveys' ? undefined : 'narrow'}>
      <p class="breadcrumb">
        <Link href={`/projects/${id}`}>{project.data.name}</Link>
      </p>
      <PageTitle>{t('report.new_title')}</PageTitle>
      <p class="lead">{t('report.lead')}</p>
      {surveys && <ModeChoice mode={shown} choose={setMode} />}
      {/* Both stay mounted, so switching back and forth keeps what was typed. */}
      <div hidden={shown !== 'claim'}>
        <ClaimForm id={id} />
      </div>
      {surveys && (
        <div hidden={shown !== 'surveys'}>
          <SurveysForm project={project.data} />
        </div>
      )}
    </section>
  );
}
