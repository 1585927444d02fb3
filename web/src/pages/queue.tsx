//! The verifier's and the operator's work: what waits for their decision.
//! Each item links to the project page, where the decision is recorded.

import { useI18n, type MessageKey } from '../i18n/i18n';
import { getPage } from '../lib/api';
import type { Location } from '../lib/router';
import type { Project, ProjectStatus, Report, ReportStatus, User } from '../lib/types';
import { Empty, LoadError, Loading, PageTitle, Pager, pageOf } from '../ui/bits';
import { useFetch } from '../ui/fetch';
import { Link } from '../ui/link';
import { DataTable } from '../ui/table';

const QUEUE_ROWS = 20;

interface QueueProps<S> {
  status: S;
  title: MessageKey;
  empty: MessageKey;
  location: Location;
}

function ProjectQueue({ status, title, empty, location }: QueueProps<ProjectStatus>) {
  const { t, num } = useI18n();
  const param = `projects_${status}`;
  const page = pageOf(location, param);
  const list = useFetch((signal) => getPage<Project>('/projects', { status, page, per_page: QUEUE_ROWS }, signal), [status, page]);
  return (
    <section aria-labelledby={`queue-${status}`}>
      <h2 id={`queue-${status}`}>{t(title)}</h2>
      {list.error ? (
        <LoadError error={list.error} reload={list.reload} />
      ) : !list.data ? (
        <Loading />
      ) : list.data.total === 0 ? (
        <Empty message={empty} />
      ) : (
        <DataTable
          caption={t(title)}
          rows={list.data.items}
          rowKey={(p) => p.id}
          testid={`queue-projects-${status}`}
          columns={[
            { label: 'project.name', cell: (p) => <Link href={`/projects/${p.id}`}>{p.name}</Link> },
            { label: 'project.proponent', cell: (p) => p.proponent_name },
            { label: 'project.class', cell: (p) => p.class_code },
            { label: 'project.area', cell: (p) => t('unit.rai', { value: num(p.area_rai) }), numeric: true },
          ]}
        />
      )}
      {list.data && list.data.total > QUEUE_ROWS && (
        <Pager location={location} page={list.data.page} total={list.data.total} perPage={list.data.per_page} param={param} />
      )}
    </section>
  );
}

function ReportQueue({ status, title, empty, location }: QueueProps<ReportStatus>) {
  const { t, tonnes, period } = useI18n();
  const param = `reports_${status}`;
  const page = pageOf(location, param);
  const list = useFetch((signal) => getPage<Report>('/reports', { status, page, per_page: QUEUE_ROWS }, signal), [status, page]);
  const nameOf = (r: Report) => r.project_name || t('project.number', { id: r.project });
  return (
    <section aria-labelledby={`queue-report-${status}`}>
      <h2 id={`queue-report-${status}`}>{t(title)}</h2>
      {list.error ? (
        <LoadError error={list.error} reload={list.reload} />
      ) : !list.data ? (
        <Loading />
      ) : list.data.total === 0 ? (
        <Empty message={empty} />
      ) : (
        <DataTable
          caption={t(title)}
          rows={list.data.items}
          rowKey={(r) => r.id}
          testid={`queue-reports-${status}`}
          columns={[
            { label: 'report.project', cell: (r) => <Link href={`/projects/${r.project}`}>{nameOf(r)}</Link> },
            { label: 'report.id', cell: (r) => `#${r.id}` },
            { label: 'report.period', cell: (r) => period(r.period_start, r.period_end) },
            { label: 'report.claimed', cell: (r) => tonnes(r.claimed_tco2e), numeric: true },
            { label: 'report.verified', cell: (r) => (r.status === 'submitted' ? '—' : tonnes(r.verified_tco2e)), numeric: true },
          ]}
        />
      )}
      {list.data && list.data.total > QUEUE_ROWS && (
        <Pager location={location} page={list.data.page} total={list.data.total} perPage={list.data.per_page} param={param} />
      )}
    </section>
  );
}

export function Queue({ user, location }: { user: User; location: Location }) {
  const { t } = useI18n();
  return (
    <>
      <PageTitle>{t('queue.title')}</PageTitle>
      <p class="lead">{t(user.role === 'operator' ? 'queue.lead_operator' : 'queue.lead_verifier')}</p>
      {user.role === 'verifier' ? (
        <>
          <ProjectQueue status="submitted" title="queue.to_validate" empty="queue.none_to_validate" location={location} />
          <ReportQueue status="submitted" title="queue.to_verify" empty="queue.none_to_verify" location={location} />
        </>
      ) : (
        <ProjectQueue status="validated" title="queue.to_register" empty="queue.none_to_register" location={location} />
      )}
      <ReportQueue status="verified" title="queue.to_issue" empty="queue.none_to_issue" location={location} />
    </>
  );
}
