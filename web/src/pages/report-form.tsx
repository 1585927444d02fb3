import { useI18n } from '../i18n/i18n';
import { command, get } from '../lib/api';
import { parseWholeNumber } from '../lib/format';
import { navigate } from '../lib/router';
import type { Project } from '../lib/types';
import { LoadError, Loading, PageTitle } from '../ui/bits';
import { useFetch } from '../ui/fetch';
import { Field, FormError, SubmitButton, useForm } from '../ui/form';
import { Link } from '../ui/link';

function DatePreview({ iso }: { iso: string }) {
  const { date } = useI18n();
  return /^\d{4}-\d{2}-\d{2}$/.test(iso) ? <span class="date-preview">{date(iso)}</span> : null;
}

export function ReportForm({ id }: { id: number }) {
  const { t } = useI18n();
  const project = useFetch((signal) => get<Project>(`/projects/${id}`, {}, signal), [id]);
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
  if (project.error) return <LoadError error={project.error} reload={project.reload} />;
  if (!project.data) return <Loading />;
  return (
    <section class="narrow">
      <p class="breadcrumb">
        <Link href={`/projects/${id}`}>{project.data.name}</Link>
      </p>
      <PageTitle>{t('report.new_title')}</PageTitle>
      <p class="lead">{t('report.lead')}</p>
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
    </section>
  );
}
