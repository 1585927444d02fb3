import { useI18n, type MessageKey } from '../i18n/i18n';
import { getPage } from '../lib/api';
import type { Location } from '../lib/router';
import type { Retirement } from '../lib/types';
import { Empty, LoadError, Loading, PageTitle, Pager, pageOf } from '../ui/bits';
import { useFetch } from '../ui/fetch';
import { FilterBar } from '../ui/filters';
import { Link } from '../ui/link';
import { DataTable } from '../ui/table';
import { useRegisteredProjects } from './batches';

export function RetirementTable(props: {
  query: Record<string, string | number | undefined>;
  location: Location;
  empty?: MessageKey;
}) {
  const { t, tonnes, dateTime, year } = useI18n();
  const page = pageOf(props.location);
  const list = useFetch(
    (signal) => getPage<Retirement>('/retirements', { ...props.query, page, per_page: 20 }, signal),
    [JSON.stringify(props.query), page],
  );
  if (list.error) return <LoadError error={list.error} reload={list.reload} />;
  if (!list.data) return <Loading />;
  if (list.data.total === 0) return <Empty message={props.empty ?? 'retirements.none'} />;
  return (
    <>
      <DataTable
        caption={t('retirements.title')}
        rows={list.data.items}
        rowKey={(r) => r.id}
        testid="retirement-table"
        columns={[
          { label: 'retirement.certificate', cell: (r) => <Link href={`/retirements/${r.id}`}>{t('retirement.number', { id: r.id })}</Link> },
          { label: 'retirement.beneficiary', cell: (r) => r.beneficiary },
          { label: 'retirement.quantity', cell: (r) => tonnes(r.quantity_tco2e), numeric: true },
          { label: 'retirement.project', cell: (r) => <Link href={`/projects/${r.project_id}`}>{r.project_name}</Link> },
          { label: 'retirement.inventory_year', cell: (r) => year(r.inventory_year) },
          { label: 'retirement.retired_at', cell: (r) => dateTime(r.retired_at_ms) },
        ]}
      />
      <Pager location={props.location} page={list.data.page} total={list.data.total} perPage={list.data.per_page} />
    </>
  );
}

export function RetirementList({ location }: { location: Location }) {
  const { t } = useI18n();
  const projects = useRegisteredProjects();
  const options = (projects.data?.items ?? []).map((p) => ({ value: String(p.id), label: p.name }));
  const query = {
    beneficiary: location.query.get('beneficiary') ?? undefined,
    project: location.query.get('project') ?? undefined,
  };
  return (
    <>
      <PageTitle>{t('retirements.title')}</PageTitle>
      <p class="lead">{t('retirements.lead')}</p>
      <FilterBar
        key={projects.data ? 'ready' : 'loading'}
        location={location}
        label="retirements.filter"
        fields={[
          { name: 'beneficiary', label: 'retirement.beneficiary' },
          { name: 'project', label: 'retirement.project', options },
        ]}
      />
      <RetirementTable query={query} location={location} />
    </>
  );
}
