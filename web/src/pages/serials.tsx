import { useState } from 'preact/hooks';
import { useI18n } from '../i18n/i18n';
import { get } from '../lib/api';
import { describeError } from '../lib/errors';
import { allOrganisations } from '../lib/lookups';
import { navigate, withQuery, type Location } from '../lib/router';
import type { Block, SerialView } from '../lib/types';
import { Facts, Loading, PageTitle, UnitStateBadge } from '../ui/bits';
import { useFetch } from '../ui/fetch';
import { ProblemText } from '../ui/form';
import { Link } from '../ui/link';
import { DataTable } from '../ui/table';
import { TradeMovements } from './trades';

export function BlockTable({ blocks }: { blocks: Block[] }) {
  const { t, tonnes } = useI18n();
  // The buffer pool is the one account that is no organisation's own: the
  // API names its holder (the operator) but not its kind.
  const organisations = useFetch(() => allOrganisations(), []);
  const own = new Set((organisations.data ?? []).map((o) => o.account));
  const holder = (b: Block) =>
    organisations.data && !own.has(b.account_id) ? t('serial.buffer_pool', { holder: b.holder }) : b.holder;
  return (
    <DataTable
      caption={t('serial.blocks')}
      rows={blocks}
      rowKey={(b) => b.serial}
      columns={[
        { label: 'batch.serial', cell: (b) => <span class="mono">{b.serial}</span> },
        { label: 'serial.quantity', cell: (b) => tonnes(b.quantity_tco2e), numeric: true },
        {
          label: 'serial.state',
          cell: (b) =>
            b.state === 'retired' && b.by ? (
              <Link href={`/retirements/${b.by}`}>
                <UnitStateBadge state={b.state} />
              </Link>
            ) : (
              <UnitStateBadge state={b.state} />
            ),
        },
        { label: 'serial.holder', cell: holder },
      ]}
    />
  );
}

export function SerialLookup({ location }: { location: Location }) {
  const { t, period } = useI18n();
  const serial = location.query.get('serial') ?? '';
  const [typed, setTyped] = useState(serial);
  const found = useFetch(
    (signal) => (serial ? get<SerialView>(`/serials/${encodeURIComponent(serial.trim())}`, {}, signal) : Promise.resolve(undefined)),
    [serial],
  );
  const search = (event: Event) => {
    event.preventDefault();
    navigate(withQuery(location.path, location.query, { serial: typed.trim() }));
  };
  return (
    <>
      <PageTitle>{t('serial.title')}</PageTitle>
      <p class="lead">{t('serial.lead')}</p>
      <form class="filters" role="search" onSubmit={search} aria-label={t('serial.title')}>
        <div class="field wide">
          <label for="serial-input">{t('batch.serial')}</label>
          <p class="hint" id="serial-hint">{t('serial.hint')}</p>
          <input
            id="serial-input"
            name="serial"
            class="mono"
            value={typed}
            aria-describedby={found.error ? 'serial-hint serial-error' : 'serial-hint'}
            aria-invalid={found.error ? 'true' : undefined}
            onInput={(e) => setTyped(e.currentTarget.value)}
            autocomplete="off"
            spellcheck={false}
          />
          {found.error ? (
            <p class="field-error" id="serial-error">
              <ProblemText problem={describeError(found.error)} />
            </p>
          ) : null}
        </div>
        <div class="filter-actions">
          <button type="submit" class="button primary" data-testid="serial-search">
            {t('serial.search')}
          </button>
        </div>
      </form>
      {serial && !found.error && !found.data && <Loading />}
      {found.data && (
        <section aria-labelledby="serial-result">
          <h2 id="serial-result" class="mono">{found.data.serial}</h2>
          <Facts
            items={[
              ['batch.project', <Link href={`/projects/${found.data.batch.project}`}>{found.data.batch.project_name}</Link>],
              ['batch.title_short', <Link href={`/batches/${found.data.batch.id}`}>{t('batch.title', { id: found.data.batch.id })}</Link>],
              ['batch.vintage', period(found.data.batch.vintage_start, found.data.batch.vintage_end)],
            ]}
          />
          <BlockTable blocks={found.data.blocks} />
          <h3 id="serial-trades-title">{t('trades.serial_title')}</h3>
          <TradeMovements
            path={`/serials/${encodeURIComponent(found.data.serial)}/trades`}
            location={location}
            caption="trades.serial_title"
            empty="trades.none_serial"
          />
        </section>
      )}
    </>
  );
}
