//! The exchange's front page: every listed vintage with its best bid and
//! ask, last price and volume, each leading to its trading page; and the
//! auctions of primary sales.

import { useI18n } from '../i18n/i18n';
import { get } from '../lib/api';
import type { ExchangeInfo, Instrument } from '../lib/types';
import { Empty, LoadError, Loading, PageTitle } from '../ui/bits';
import { useFetch } from '../ui/fetch';
import { Link } from '../ui/link';
import { DataTable } from '../ui/table';

/// "—" where a price does not exist yet (no bid, no trade).
export function usePrice() {
  const { perTonne } = useI18n();
  return (satang: number | null | undefined) => (satang === null || satang === undefined ? '—' : perTonne(satang));
}

export function FeeNote({ exchange }: { exchange: ExchangeInfo | undefined }) {
  const { t, percentBps } = useI18n();
  if (!exchange) return null;
  return (
    <p class="hint" data-testid="fee-note">
      {exchange.open ? t('market.fee_note', { fee: percentBps(exchange.fee_bps) }) : t('market.closed')}
    </p>
  );
}

export function MarketPage() {
  const { t, tonnes, num } = useI18n();
  const price = usePrice();
  const instruments = useFetch((signal) => get<Instrument[]>('/instruments', {}, signal), []);
  const exchange = useFetch((signal) => get<ExchangeInfo>('/exchange', {}, signal), []);
  return (
    <>
      <PageTitle>{t('market.title')}</PageTitle>
      <p class="lead">{t('market.lead')}</p>
      <FeeNote exchange={exchange.data} />
      <p class="actions">
        <Link href="/auctions" class="button secondary">
          {t('market.auctions_link')}
        </Link>
      </p>
      <section aria-labelledby="instruments-title">
        <h2 id="instruments-title">{t('market.instruments')}</h2>
        {instruments.error ? (
          <LoadError error={instruments.error} reload={instruments.reload} />
        ) : !instruments.data ? (
          <Loading />
        ) : instruments.data.length === 0 ? (
          <Empty message="market.none" />
        ) : (
          <DataTable
            caption={t('market.instruments')}
            rows={instruments.data}
            rowKey={(i) => i.id}
            testid="instrument-table"
            columns={[
              {
                label: 'market.instrument',
                cell: (i) => (
                  <>
                    <Link href={`/market/${i.id}`}>
                      <span class="mono">{i.code}</span>
                    </Link>
                    <span class="block muted small">{t('market.project_vintage', { project: i.project_name, year: i.vintage_year })}</span>
                  </>
                ),
              },
              { label: 'market.best_bid', cell: (i) => price(i.best_bid_satang), numeric: true },
              { label: 'market.best_ask', cell: (i) => price(i.best_ask_satang), numeric: true },
              { label: 'market.last', cell: (i) => price(i.last_price_satang), numeric: true },
              { label: 'market.volume', cell: (i) => tonnes(i.volume_tco2e), numeric: true },
              { label: 'market.trades', cell: (i) => num(i.trades), numeric: true },
            ]}
          />
        )}
      </section>
    </>
  );
}
