//! Race to Zero in practice, public: the best practices factories
//! published for each other, each with the reduction it measured, and the
//! reduction projects of the factories that publish theirs.

import { useI18n, type MessageKey } from '../i18n/i18n';
import { getPage } from '../lib/api';
import type { Location } from '../lib/router';
import { REDUCTION_KINDS, type Practice, type Reduction } from '../lib/types';
import { Empty, LoadError, Loading, PageTitle, Pager, pageOf } from '../ui/bits';
import { useFetch } from '../ui/fetch';
import { FilterBar } from '../ui/filters';
import { DataTable } from '../ui/table';
import { Link } from '../ui/link';
import { useKindName } from './factory-plans';

function PracticeCard({ practice }: { practice: Practice }) {
  const { t, num, tonnes, year } = useI18n();
  const kindName = useKindName();
  return (
    <li class="card practice" data-testid="practice">
      <h3>{practice.title}</h3>
      <p class="hint">
        {practice.factory} · {kindName(practice.kind)}
        {practice.synthetic && <span class="badge synthetic">{t('dashboard.synthetic_label')}</span>}
      </p>
      <p>{practice.summary}</p>
      <ul class="figures compact">
        <li>
          <span class="figure-value" data-testid="practice-measured">{tonnes(practice.measured_reduction_tco2e)}</span>
          <span class="figure-label">{t('practice.measured_in', { year: year(practice.measured_year) })}</span>
        </li>
        {practice.investment_baht !== null && (
          <li>
            <span class="figure-value">{t('practice.baht', { amount: num(practice.investment_baht) })}</span>
            <span class="figure-label">{t('practice.investment')}</span>
          </li>
        )}
      </ul>
      <p class="small">
        <strong>{t('practice.measurement')}:</strong> {practice.measurement}
      </p>
    </li>
  );
}

function Library({ location }: { location: Location }) {
  const page = pageOf(location);
  const query = { kind: location.query.get('kind') ?? undefined, q: location.query.get('q') ?? undefined };
  const list = useFetch((signal) => getPage<Practice>('/practices', { ...query, page, per_page: 10 }, signal), [JSON.stringify(query), page]);
  if (list.error) return <LoadError error={list.error} reload={list.reload} />;
  if (!list.data) return <Loading />;
  if (list.data.total === 0) return <Empty message="practice.none" />;
  return (
    <>
      <ul class="card-list" data-testid="practice-list">
        {list.data.items.map((p) => (
          <PracticeCard key={p.id} practice={p} />
        ))}
      </ul>
      <Pager location={location} page={list.data.page} total={list.data.total} perPage={list.data.per_page} />
    </>
  );
}

function Projects({ location }: { location: Location }) {
  const { t, num, year } = useI18n();
  const kindName = useKindName();
  const page = pageOf(location, 'projects_page');
  const kind = location.query.get('kind') ?? undefined;
  const list = useFetch((signal) => getPage<Reduction>('/reductions', { kind, page, per_page: 20 }, signal), [kind, page]);
  if (list.error) return <LoadError error={list.error} reload={list.reload} />;
  if (!list.data) return <Loading />;
  if (list.data.total === 0) return <Empty message="reduction.none" />;
  return (
    <>
      <DataTable
        caption={t('practices.projects_title')}
        rows={list.data.items}
        rowKey={(r) => r.id}
        testid="public-reductions"
        columns={[
          { label: 'reduction.title_label', cell: (r) => r.title },
          { label: 'dashboard.factory', cell: (r) => r.factory },
          { label: 'reduction.kind_label', cell: (r) => kindName(r.kind) },
          { label: 'reduction.estimated', cell: (r) => num(r.estimated_tco2e_per_year), numeric: true },
          { label: 'reduction.start_year', cell: (r) => year(r.start_year) },
          { label: 'reduction.status_label', cell: (r) => t(`reduction.status.${r.status}` as MessageKey) },
          {
            label: 'reduction.credits',
            cell: (r) =>
              r.registry_project_id ? (
                <Link href={`/projects/${r.registry_project_id}`}>{t('reduction.registry_project', { id: r.registry_project_id })}</Link>
              ) : (
                '—'
              ),
          },
        ]}
      />
      <Pager location={location} page={list.data.page} total={list.data.total} perPage={list.data.per_page} param="projects_page" />
    </>
  );
}

export function PracticesPage({ location }: { location: Location }) {
  const { t } = useI18n();
  const kindName = useKindName();
  return (
    <>
      <PageTitle>{t('practices.title')}</PageTitle>
      <p class="lead">{t('practices.lead')}</p>
      <FilterBar
        location={location}
        label="practices.filter"
        fields={[
          { name: 'kind', label: 'reduction.kind_label', options: REDUCTION_KINDS.map((k) => ({ value: k, label: kindName(k) })) },
          { name: 'q', label: 'practices.words' },
        ]}
      />
      <section aria-labelledby="library-title">
        <h2 id="library-title">{t('practices.library_title')}</h2>
        <Library location={location} />
      </section>
      <section aria-labelledby="reductions-public-title">
        <h2 id="reductions-public-title">{t('practices.projects_title')}</h2>
        <Projects location={location} />
      </section>
    </>
  );
}
