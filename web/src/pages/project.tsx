import { useI18n, type MessageKey } from '../i18n/i18n';
import { command, get } from '../lib/api';
import type { Batch, ProjectDetail, Report, User } from '../lib/types';
import { ProjectMap } from '../map/project-map';
import { Empty, Facts, LoadError, Loading, PageTitle, ProjectStatusBadge, ReportStatusBadge } from '../ui/bits';
import { useFetch } from '../ui/fetch';
import { Field, FormError, SubmitButton, useForm } from '../ui/form';
import { Link } from '../ui/link';
import { DataTable } from '../ui/table';
import { Calculation } from './calculation';

function SubmitProject({ project, done }: { project: ProjectDetail; done: () => void }) {
  const { t } = useI18n();
  const form = useForm({});
  const submit = form.submit(async (_values, key) => {
    await command(`/projects/${project.id}/submit`, {}, key);
    done();
  });
  return (
    <form onSubmit={submit} class="inline-form">
      <p>{t('project.submit_text')}</p>
      <FormError problem={form.formError} />
      <SubmitButton busy={form.busy} label="project.submit" testid="submit-project" />
    </form>
  );
}

function ProponentActions({ project, done }: { project: ProjectDetail; done: () => void }) {
  const { t } = useI18n();
  const editable = project.status === 'draft' || project.status === 'changes_requested';
  return (
    <section class="card action" aria-labelledby="proponent-actions">
      <h2 id="proponent-actions">{t('project.your_actions')}</h2>
      {editable && (
        <>
          <p>
            <Link href={`/projects/${project.id}/edit`} class="button secondary">
              {t('project.edit')}
            </Link>
          </p>
          <SubmitProject project={project} done={done} />
        </>
      )}
      {project.status === 'registered' && (
        <Link href={`/projects/${project.id}/reports/new`} class="button primary" data-testid="new-report">
          {t('report.new')}
        </Link>
      )}
      {!editable && project.status !== 'registered' && <p>{t('project.waiting', { status: t(`project_status.${project.status}` as MessageKey) })}</p>}
    </section>
  );
}

function ReviewProject({ project, done }: { project: ProjectDetail; done: () => void }) {
  const { t } = useI18n();
  const form = useForm({ decision: 'validate', note: '' });
  const submit = form.submit(async (values, key) => {
    await command(`/projects/${project.id}/review`, { decision: values.decision, note: values.note }, key);
    done();
  });
  const decisions = ['validate', 'request_changes', 'reject'].map((d) => ({ value: d, label: t(`decision.${d}` as MessageKey) }));
  return (
    <section class="card action" aria-labelledby="review-project">
      <h2 id="review-project">{t('review.project_title')}</h2>
      <form onSubmit={submit} noValidate>
        <FormError problem={form.formError} />
        <Field form={form} name="decision" label="review.decision" options={decisions} />
        <Field form={form} name="note" label="review.note" multiline hint={t('review.note_hint')} />
        <SubmitButton busy={form.busy} label="review.record" testid="review-project" />
      </form>
    </section>
  );
}

function RegisterProject({ project, done }: { project: ProjectDetail; done: () => void }) {
  const { t } = useI18n();
  const form = useForm({});
  const submit = form.submit(async (_values, key) => {
    await command(`/projects/${project.id}/register`, {}, key);
    done();
  });
  return (
    <section class="card action" aria-labelledby="register-project">
      <h2 id="register-project">{t('register.title')}</h2>
      <form onSubmit={submit}>
        <p>{t('register.text')}</p>
        <FormError problem={form.formError} />
        <SubmitButton busy={form.busy} label="register.button" testid="register-project" />
      </form>
    </section>
  );
}

function ReviewReport({ report, done }: { report: Report; done: () => void }) {
  const { t, tonnes } = useI18n();
  const form = useForm({ decision: 'verify', verified_tco2e: String(report.claimed_tco2e), note: '' }, `report-${report.id}`);
  const submit = form.submit(async (values, key) => {
    const verified = Number(values.verified_tco2e.replace(/[,\s]/g, ''));
    if (values.decision === 'verify' && !(Number.isInteger(verified) && verified > 0)) {
      form.fail({ verified_tco2e: { key: 'error.whole_number' } });
      return;
    }
    const body = { decision: values.decision, verified_tco2e: values.decision === 'verify' ? verified : 0, note: values.note };
    await command(`/reports/${report.id}/review`, body, key);
    done();
  });
  const decisions = ['verify', 'reject'].map((d) => ({ value: d, label: t(`decision.${d}` as MessageKey) }));
  return (
    <form onSubmit={submit} noValidate class="card action report-action" aria-label={t('review.report_title', { id: report.id })}>
      <h3>{t('review.report_title', { id: report.id })}</h3>
      <p>{t('review.claimed', { quantity: tonnes(report.claimed_tco2e) })}</p>
      <FormError problem={form.formError} />
      <Field form={form} name="decision" label="review.decision" options={decisions} />
      <Field form={form} name="verified_tco2e" label="review.verified" inputMode="numeric" hint={t('review.verified_hint')} />
      <Field form={form} name="note" label="review.note" multiline rows={3} />
      <SubmitButton busy={form.busy} label="review.record" testid={`review-report-${report.id}`} />
    </form>
  );
}

function IssueReport({ report, done }: { report: Report; done: () => void }) {
  const { t, tonnes } = useI18n();
  const form = useForm({});
  const submit = form.submit(async (_values, key) => {
    await command(`/reports/${report.id}/issue`, {}, key);
    done();
  });
  return (
    <form onSubmit={submit} class="card action report-action" aria-label={t('issue.title', { id: report.id })}>
      <h3>{t('issue.title', { id: report.id })}</h3>
      <p>{t('issue.text', { quantity: tonnes(report.verified_tco2e) })}</p>
      <FormError problem={form.formError} />
      <SubmitButton busy={form.busy} label="issue.button" testid={`issue-report-${report.id}`} />
    </form>
  );
}

function Reports({ project, user, done }: { project: ProjectDetail; user: User | null; done: () => void }) {
  const { t, tonnes, period } = useI18n();
  if (project.reports.length === 0) return <Empty message="report.none" />;
  const reviewer = user?.role === 'verifier';
  const issuer = user?.role === 'verifier' || user?.role === 'operator';
  return (
    <>
      <DataTable
        caption={t('report.list')}
        rows={project.reports}
        rowKey={(r) => r.id}
        testid="report-table"
        columns={[
          { label: 'report.id', cell: (r) => `#${r.id}` },
          { label: 'report.period', cell: (r) => period(r.period_start, r.period_end) },
          { label: 'report.claimed', cell: (r) => tonnes(r.claimed_tco2e), numeric: true },
          { label: 'report.verified', cell: (r) => (r.status === 'submitted' ? '—' : tonnes(r.verified_tco2e)), numeric: true },
          { label: 'report.status', cell: (r) => <ReportStatusBadge status={r.status} /> },
          { label: 'review.note', cell: (r) => r.review_note || '—' },
        ]}
      />
      {project.reports.map((report) => {
        const reviewing = reviewer && report.status === 'submitted';
        return (
          <div class="report-detail" key={report.id}>
            {/* Open where the verifier decides, folded for everyone else. */}
            <Calculation text={report.calculation} reportId={report.id} open={reviewing} />
            {reviewing ? (
              <ReviewReport report={report} done={done} />
            ) : issuer && report.status === 'verified' ? (
              <IssueReport report={report} done={done} />
            ) : null}
          </div>
        );
      })}
    </>
  );
}

export function BatchRows({ batches }: { batches: Batch[] }) {
  const { t, tonnes, period } = useI18n();
  return (
    <DataTable
      caption={t('batches.title')}
      rows={batches}
      rowKey={(b) => b.id}
      columns={[
        { label: 'batch.serial', cell: (b) => <Link href={`/batches/${b.id}`}><span class="mono">{b.serial}</span></Link> },
        { label: 'batch.vintage', cell: (b) => period(b.vintage_start, b.vintage_end) },
        { label: 'batch.issued', cell: (b) => tonnes(b.issued_tco2e), numeric: true },
        { label: 'batch.buffer', cell: (b) => tonnes(b.buffer_tco2e), numeric: true },
        { label: 'batch.retired', cell: (b) => tonnes(b.retired_tco2e), numeric: true },
      ]}
    />
  );
}

function Actions({ project, user, done }: { project: ProjectDetail; user: User | null; done: () => void }) {
  if (!user) return null;
  const own = user.org_id === project.proponent;
  return (
    <>
      {own && <ProponentActions project={project} done={done} />}
      {user.role === 'verifier' && project.status === 'submitted' && <ReviewProject project={project} done={done} />}
      {user.role === 'operator' && project.status === 'validated' && <RegisterProject project={project} done={done} />}
    </>
  );
}

export function ProjectPage({ id, user }: { id: number; user: User | null }) {
  const { t, tonnes, num, percentBps } = useI18n();
  const loaded = useFetch((signal) => get<ProjectDetail>(`/projects/${id}`, {}, signal), [id]);
  if (loaded.error) return <LoadError error={loaded.error} reload={loaded.reload} />;
  const project = loaded.data;
  if (!project) return <Loading />;
  return (
    <article>
      <p class="breadcrumb">
        <Link href="/projects">{t('projects.title')}</Link>
      </p>
      <PageTitle>{project.name}</PageTitle>
      <p data-testid="project-status">
        <ProjectStatusBadge status={project.status} />
      </p>
      <div class="two-columns">
        <div>
          <Facts
            items={[
              ['project.class', project.class_code],
              ['project.proponent', project.proponent_name],
              ['project.area', t('unit.rai_ha', { rai: num(project.area_rai), ha: num(project.area_rai * 0.16) })],
              ['project.jurisdiction', project.jurisdiction],
              ['project.buffer_share', percentBps(project.buffer_bps)],
              ['project.issued', tonnes(project.issued_tco2e)],
              ['project.retired', tonnes(project.retired_tco2e)],
            ]}
          />
          {project.description && <p class="description">{project.description}</p>}
          {project.review_note && (
            <p class="note">
              <strong>{t('project.review_note')}</strong> {project.review_note}
            </p>
          )}
          <Actions project={project} user={user} done={loaded.reload} />
        </div>
        <ProjectMap outline={project.location} name={project.name} />
      </div>
      <section aria-labelledby="batches-title">
        <h2 id="batches-title">{t('batches.title')}</h2>
        {project.batches.length ? <BatchRows batches={project.batches} /> : <Empty message="batches.none" />}
      </section>
      <section aria-labelledby="reports-title">
        <h2 id="reports-title">{t('report.list')}</h2>
        <Reports project={project} user={user} done={loaded.reload} />
      </section>
    </article>
  );
}
