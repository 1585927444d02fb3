//! The exchange's trades in the registry's explorer: the movements of
//! credits that came from a trade (or an auction's allocation), each with
//! its price per tonne, tonnes, time, seller and buyer and the serials it
//! delivered, listed under a batch, a serial lookup and an account; and one
//! trade on its own page, with the orders that met and a link to its market.

import { useI18n, type MessageKey } from '../i18n/i18n';
import { get, getPage } from '../lib/api';
import { withQuery, type Location } from '../lib/router';
import type { TradeDelivery } from '../lib/types';
import { Empty, Facts, LoadError, Loading, PageTitle, Pager, pageOf } from '../ui/bits';
import { useFetch } from '../ui/fetch';
import { Link } from '../ui/link';
import { DataTable, type Column } from '../ui/table';

/// Rows a list of trades shows per page.
const TRADES_PER_PAGE = 10;

function serialHref(serial: string): string {
  return withQuery('/serials', new URLSearchParams(), { serial });
}

/// "Exchange trade #12", or "Auction sale, trade #12" for an auction's allocation.
function TradeName({ trade }: { trade: TradeDelivery }) {
  const { t } = useI18n();
  return <>{t(trade.auction_id === null ? 'trade.number' : 'trade.auction_number', { id: trade.id })}</>;
}

function Serials({ serials }: { serials: string[] }) {
  const { t } = useI18n();
  if (serials.length === 0) return <span class="hint">{t('trade.serials_unknown')}</span>;
  const list = (
    <ul class="plain-list mono small">
      {serials.map((serial) => (
        <li key={serial}>
          <Link href={serialHref(serial)}>{serial}</Link>
        </li>
      ))}
    </ul>
  );
  if (serials.length === 1) return list;
  return (
    <details>
      <summary>{t('trade.serials_count', { count: serials.length })}</summary>
      {list}
    </details>
  );
}

/// A page of trades from one of the explorer's lists: `/batches/{id}/trades`,
/// `/serials/{serial}/trades` or `/accounts/{id}/trades`. With `account`,
/// each row says whether that account bought or sold.
export function TradeMovements(props: {
  path: string;
  location: Location;
  /// The list's name, for screen readers (the section's heading says it on screen).
  caption: MessageKey;
  empty: MessageKey;
  account?: number;
  /// The query parameter holding this list's page, when the page has another list.
  param?: string;
}) {
  const { t, tonnes, perTonne, dateTime } = useI18n();
  const param = props.param ?? 'page';
  const page = pageOf(props.location, param);
  const list = useFetch(
    (signal) => getPage<TradeDelivery>(props.path, { page, per_page: TRADES_PER_PAGE }, signal),
    [props.path, page],
  );
  if (list.error) return <LoadError error={list.error} reload={list.reload} />;
  if (!list.data) return <Loading />;
  if (list.data.total === 0) return <Empty message={props.empty} />;
  const side: Column<TradeDelivery>[] =
    props.account === undefined
      ? []
      : [
          {
            label: 'trade.side',
            cell: (trade) => t(trade.buyer_account_id === props.account ? 'trade.side.bought' : 'trade.side.sold'),
          },
        ];
  return (
    <>
      <DataTable
        caption={t(props.caption)}
        rows={list.data.items}
        rowKey={(trade) => trade.id}
        testid="trade-movements"
        columns={[
          {
            label: 'trade.movement',
            cell: (trade) => (
              <span class="trade-name" data-trade-id={trade.id}>
                <Link href={`/trades/${trade.id}`}>
                  <TradeName trade={trade} />
                </Link>
                <Link href={`/market/${trade.instrument_id}`} class="small">
                  {t('trade.on_market', { code: trade.instrument_code })}
                </Link>
              </span>
            ),
          },
          ...side,
          { label: 'trade.time', cell: (trade) => dateTime(trade.at_ms) },
          { label: 'trade.price', cell: (trade) => perTonne(trade.price_satang), numeric: true },
          { label: 'trade.quantity', cell: (trade) => tonnes(trade.qty_tco2e), numeric: true },
          { label: 'trade.seller', cell: (trade) => trade.seller },
          { label: 'trade.buyer', cell: (trade) => trade.buyer },
          { label: 'trade.serials', cell: (trade) => <Serials serials={trade.serials} /> },
        ]}
      />
      {list.data.total > list.data.per_page && (
        <Pager location={props.location} page={list.data.page} total={list.data.total} perPage={list.data.per_page} param={param} />
      )}
    </>
  );
}

function party(t: ReturnType<typeof useI18n>['t'], organisation: string, order: number | null, key: MessageKey) {
  return order === null ? organisation : t('trade.party', { organisation, order: t(key, { id: order }) });
}

/// One trade: what, when, at what price, between whom and which orders,
/// and the serials the registry delivered for it.
export function TradePage({ id }: { id: number }) {
  const { t, tonnes, perTonne, baht, dateTime } = useI18n();
  const found = useFetch((signal) => get<TradeDelivery>(`/trades/${id}`, {}, signal), [id]);
  if (found.error) return <LoadError error={found.error} reload={found.reload} />;
  const trade = found.data;
  if (!trade) return <Loading />;
  const kind =
    trade.auction_id === null ? (
      t('trade.kind.book')
    ) : (
      <Link href={`/auctions/${trade.auction_id}`}>{t('trade.kind.auction', { id: trade.auction_id })}</Link>
    );
  return (
    <article data-testid="trade-page">
      <p class="breadcrumb">
        <Link href={`/batches/${trade.batch_id}`}>{t('trade.back_to_batch', { id: trade.batch_id })}</Link>
      </p>
      <PageTitle>
        <TradeName trade={trade} />
      </PageTitle>
      <p class="lead">{t('trade.lead', { seller: trade.seller, buyer: trade.buyer })}</p>
      <Facts
        items={[
          ['trade.kind', kind],
          ['trade.instrument', <Link href={`/market/${trade.instrument_id}`}>{t('trade.on_market', { code: trade.instrument_code })}</Link>],
          ['batch.project', <Link href={`/projects/${trade.project_id}`}>{trade.project_name}</Link>],
          ['batch.title_short', <Link href={`/batches/${trade.batch_id}`}>{t('batch.title', { id: trade.batch_id })}</Link>],
          ['trade.time', dateTime(trade.at_ms)],
          ['trade.price', <span data-testid="trade-price">{perTonne(trade.price_satang)}</span>],
          ['trade.quantity', tonnes(trade.qty_tco2e)],
          ['trade.value', baht(trade.value_satang)],
          ['trade.fee', baht(trade.fee_satang)],
          ['trade.seller', party(t, trade.seller, trade.seller_order_id, 'trade.sell_order')],
          ['trade.buyer', party(t, trade.buyer, trade.buyer_order_id, 'trade.buy_order')],
        ]}
      />
      <section aria-labelledby="trade-serials-title">
        <h2 id="trade-serials-title">{t('trade.serials')}</h2>
        {trade.serials.length === 0 ? (
          <p class="hint">{t('trade.serials_unknown')}</p>
        ) : (
          <ul class="plain-list mono" data-testid="trade-serials">
            {trade.serials.map((serial) => (
              <li key={serial}>
                <Link href={serialHref(serial)}>{serial}</Link>
              </li>
            ))}
          </ul>
        )}
        <p class="hint">{t('trade.look_up')}</p>
      </section>
    </article>
  );
}
