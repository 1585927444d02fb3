import { useI18n } from '../i18n/i18n';
import { get, getPage } from '../lib/api';
import type { Location } from '../lib/router';
import type { Batch, Project, SerialView } from '../lib/types';
import { Empty, Facts, LoadError, Loading, PageTitle, Pager, pageOf } from '../ui/bits';
import { useFetch } from '../ui/fetch';
import { FilterBar } from '../ui/filters';
import { Link } from '../ui/link';
import { BatchRows } from './project';
import { BlockTable } from './serials';
import { TradeMovements } from './trades';

/// The projects a filter can name: those that have credits.
export function useRegisteredProjects() {
  return useFetch((signal) => getPage<Project>('/projects', { status: 'registered', per_page: 100 }, signal), []);
}

export function BatchList({ location }: { location: Location }) {
  const { t } = useI18n();
  const projects = useRegisteredProjects();
  const page = pageOf(location);
  const project = location.query.get('project') ?? undefined;
  const list = useFetch((signal) => getPage<Batch>('/batches', { project, page, per_page: 20 }, signal), [project, page]);
  const options = (projects.data?.items ?? []).map((p) => ({ value: String(p.id), label: p.name }));
  return (
    <>
      <PageTitle>{t('batches.title')}</PageTitle>
      <p class="lead">{t('batches.lead')}</p>
      <FilterBar
        key={projects.data ? 'ready' : 'loading'}
        location={location}
        label="batches.filter"
        fields={[{ name: 'project', label: 'batch.project', options }]}
      />
      {list.error ? (
        <LoadError error={list.error} reload={list.reload} />
      ) : !list.data ? (
        <Loading />
      ) : list.data.total === 0 ? (
        <Empty message="batches.none" />
      ) : (
        <>
          <BatchRows batches={list.data.items} />
          <Pager location={location} page={list.data.page} total={list.data.total} perPage={list.data.per_page} />
        </>
      )}
    </>
  );
}

export function BatchPage({ id, location }: { id: number; location: Location }) {
  const { t, tonnes, period, dateTime } = useI18n();
  const batch = useFetch((signal) => get<Batch>(`/batches/${id}`, {}, signal), [id]);
  // The whole batch's serial range lists every block and its holder.
  const blocks = useFetch(
    (signal) => (batch.data ? get<SerialView>(`/serials/${encodeURIComponent(batch.data.serial)}`, {}, signal) : Promise.resolve(undefined)),
    [batch.data?.serial],
  );
  if (batch.error) return <LoadError error={batch.error} reload={batch.reload} />;
  const b = batch.data;
  if (!b) return <Loading />;
  return (
    <article>
      <p class="breadcrumb">
        <Link href="/batches">{t('batches.title')}</Link>
      </p>
      <PageTitle>{t('batch.title', { id: b.id })}</PageTitle>
      <Facts
        items={[
          ['batch.project', <Link href={`/projects/${b.project}`}>{b.project_name}</Link>],
          ['batch.serial', <span class="mono">{b.serial}</span>],
          ['batch.vintage', period(b.vintage_start, b.vintage_end)],
          ['batch.issued_at', dateTime(b.issued_at_ms)],
          ['batch.issued', tonnes(b.issued_tco2e)],
          ['batch.buffer', tonnes(b.buffer_tco2e)],
          ['batch.active', tonnes(b.active_tco2e)],
          ['batch.held', tonnes(b.held_tco2e)],
          ['batch.retired', tonnes(b.retired_tco2e)],
          ['batch.cancelled', tonnes(b.cancelled_tco2e)],
          ['batch.corresponding_adjustment', t(b.corresponding_adjustment === 'applied' ? 'batch.ca_applied' : 'batch.ca_not_applied')],
        ]}
      />
      <section aria-labelledby="blocks-title">
        <h2 id="blocks-title">{t('serial.blocks')}</h2>
        {blocks.error ? <LoadError error={blocks.error} /> : !blocks.data ? <Loading /> : <BlockTable blocks={blocks.data.blocks} />}
      </section>
      <section aria-labelledby="batch-trades-title">
        <h2 id="batch-trades-title">{t('trades.batch_title')}</h2>
        <p class="hint">{t('trades.batch_lead')}</p>
        <TradeMovements path={`/batches/${b.id}/trades`} location={location} caption="trades.batch_title" empty="trades.none" />
      </section>
    </article>
  );
}
