import { useI18n, type MessageKey } from '../i18n/i18n';
import { getPage } from '../lib/api';
import { allOrganisations } from '../lib/lookups';
import type { Location } from '../lib/router';
import { PROJECT_STATUSES, type Project } from '../lib/types';
import { Empty, LoadError, Loading, PageTitle, Pager, pageOf, ProjectStatusBadge } from '../ui/bits';
import { useFetch } from '../ui/fetch';
import { FilterBar } from '../ui/filters';
import { Link } from '../ui/link';
import { DataTable, type Column } from '../ui/table';

export const PROJECTS_PER_PAGE = 20;

export function useProjectColumns(): Column<Project>[] {
  const { t, tonnes, num } = useI18n();
  return [
    { label: 'project.name', cell: (p) => <Link href={`/projects/${p.id}`}>{p.name}</Link> },
    { label: 'project.class', cell: (p) => p.class_code },
    { label: 'project.proponent', cell: (p) => p.proponent_name },
    { label: 'project.status', cell: (p) => <ProjectStatusBadge status={p.status} /> },
    { label: 'project.area', cell: (p) => t('unit.rai', { value: num(p.area_rai) }), numeric: true },
    { label: 'project.issued', cell: (p) => tonnes(p.issued_tco2e), numeric: true },
    { label: 'project.retired', cell: (p) => tonnes(p.retired_tco2e), numeric: true },
  ];
}

export function ProjectTable(props: { query: Record<string, string | number | undefined>; location: Location; testid?: string }) {
  const { t } = useI18n();
  const columns = useProjectColumns();
  const page = pageOf(props.location);
  const key = JSON.stringify(props.query) + page;
  const list = useFetch(
    (signal) => getPage<Project>('/projects', { ...props.query, page, per_page: PROJECTS_PER_PAGE }, signal),
    [key],
  );
  if (list.error) return <LoadError error={list.error} reload={list.reload} />;
  if (!list.data) return <Loading />;
  if (list.data.total === 0) return <Empty message="projects.none" />;
  return (
    <>
      <DataTable caption={t('projects.title')} columns={columns} rows={list.data.items} rowKey={(p) => p.id} testid={props.testid} />
      <Pager location={props.location} page={list.data.page} total={list.data.total} perPage={list.data.per_page} />
    </>
  );
}

export function ProjectList({ location }: { location: Location }) {
  const { t } = useI18n();
  const organisations = useFetch(() => allOrganisations(), []);
  const proponents = (organisations.data ?? [])
    .filter((org) => org.role === 'proponent' || org.role === 'factory')
    .map((org) => ({ value: String(org.id), label: org.name }));
  const statuses = PROJECT_STATUSES.map((s) => ({ value: s, label: t(`project_status.${s}` as MessageKey) }));
  const query = {
    q: location.query.get('q') ?? undefined,
    status: location.query.get('status') ?? undefined,
    proponent: location.query.get('proponent') ?? undefined,
  };
  return (
    <>
      <PageTitle>{t('projects.title')}</PageTitle>
      <p class="lead">{t('projects.lead')}</p>
      <FilterBar
        key={organisations.data ? 'ready' : 'loading'}
        location={location}
        label="projects.filter"
        fields={[
          { name: 'q', label: 'filter.name_contains' },
          { name: 'status', label: 'project.status', options: statuses },
          { name: 'proponent', label: 'project.proponent', options: proponents },
        ]}
      />
      <ProjectTable query={query} location={location} testid="project-table" />
    </>
  );
}
