//! One instrument's trading page. Anyone sees the book by price level with
//! its depth, the price chart and the latest trades, kept live by the
//! market stream; a signed-in member of an organisation also places,
//! modifies (new price or quantity left) and cancels orders, and sees its
//! cash, open orders and fills, which reload when a trade concerns it.

import { useEffect, useRef, useState } from 'preact/hooks';
import { useI18n, type MessageKey } from '../i18n/i18n';
import { ApiError, command, get, getPage, madeOf, newIdempotencyKey } from '../lib/api';
import { describeError, type Problem } from '../lib/errors';
import { formatBahtNumber, formatClock, parseBaht, parseWholeNumber, rayongDate } from '../lib/format';
import {
  depthOf,
  estimateOrder,
  INTERVAL_MS,
  INTERVALS,
  spreadOf,
  withTradeInCandles,
  type DepthRow,
  type Interval,
} from '../lib/market';
import type { Location } from '../lib/router';
import type {
  Book,
  Candle,
  CashView,
  CommandResponse,
  ExchangeInfo,
  Instrument,
  Order,
  Trade,
  User,
} from '../lib/types';
import { ORDER_TYPES, SIDES, TIMES_IN_FORCE } from '../lib/types';
import { Empty, Facts, LoadError, Loading, PageTitle } from '../ui/bits';
import { CandleChart, ChartFigure } from '../ui/charts';
import { useFetch } from '../ui/fetch';
import { Field, FormError, SubmitButton, useForm } from '../ui/form';
import { Link } from '../ui/link';
import { useMarketFeed, type StreamStatus } from '../ui/market-stream';
import { DataTable } from '../ui/table';
import { signInHref } from './guards';
import { FeeNote, usePrice } from './market';

/// Trades the page lists; the stream keeps up to 50.
const TAPE_ROWS = 15;

/// A moment as the clock time when it is today in Rayong, else the date.
export function useWhen() {
  const { date } = useI18n();
  return (ms: number) => (rayongDate(ms) === rayongDate(Date.now()) ? formatClock(ms) : date(rayongDate(ms)));
}

function LiveStatus({ status }: { status: StreamStatus }) {
  const { t } = useI18n();
  return (
    <p class={`live-status ${status}`} role="status" data-testid="stream-status" data-state={status}>
      <span class="dot" aria-hidden="true" />
      {t(`market.stream.${status}` as MessageKey)}
    </p>
  );
}

function BookRows({ rows, side }: { rows: DepthRow[]; side: 'bid' | 'ask' }) {
  const { t, num, locale } = useI18n();
  if (rows.length === 0) {
    return (
      <tr class={`empty-side ${side}`}>
        <td colSpan={4}>{t(side === 'ask' ? 'book.no_asks' : 'book.no_bids')}</td>
      </tr>
    );
  }
  return (
    <>
      {rows.map((row) => {
        const width = Math.max(1, Math.round(row.share * 100));
        return (
          <tr
            key={`${side}-${row.price_satang}`}
            class={side}
            data-price={row.price_satang}
            style={`--depth: ${width}%`}
          >
            <td class="side">{t(side === 'ask' ? 'book.ask' : 'book.bid')}</td>
            <td class="num price">{formatBahtNumber(row.price_satang, locale)}</td>
            <td class="num">{num(row.qty_tco2e)}</td>
            <td class="num">{num(row.orders)}</td>
          </tr>
        );
      })}
    </>
  );
}

function OrderBook({ book }: { book: Book | null }) {
  const { t, baht } = useI18n();
  if (!book) return <Loading />;
  const depth = depthOf(book);
  const spread = spreadOf(book);
  return (
    <section class="card book" aria-labelledby="book-title">
      <h2 id="book-title">{t('book.title')}</h2>
      <p class="hint">{t('book.hint')}</p>
      <table
        class="book-table"
        data-testid="order-book"
        data-best-bid={book.bids[0]?.price_satang ?? ''}
        data-best-ask={book.asks[0]?.price_satang ?? ''}
      >
        <caption class="visually-hidden">{t('book.title')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('book.side')}</th>
            <th scope="col" class="num">{t('book.price')}</th>
            <th scope="col" class="num">{t('book.tonnes')}</th>
            <th scope="col" class="num">{t('book.orders')}</th>
          </tr>
        </thead>
        <tbody class="asks">
          {/* The worst offer at the top, so the best ask meets the best bid. */}
          <BookRows rows={[...depth.asks].reverse()} side="ask" />
        </tbody>
        <tbody class="spread">
          <tr>
            <td colSpan={4} data-testid="spread">
              {spread === null ? t('book.no_spread') : t('book.spread', { spread: baht(spread) })}
            </td>
          </tr>
        </tbody>
        <tbody class="bids">
          <BookRows rows={depth.bids} side="bid" />
        </tbody>
      </table>
    </section>
  );
}

type TradeListener = (trade: Trade) => void;

function PriceChart({ instrument, subscribe }: { instrument: number; subscribe: (listener: TradeListener) => () => void }) {
  const { t, perTonne, tonnes, dateTime, date } = useI18n();
  const [interval, setInterval_] = useState<Interval>('minute');
  const loaded = useFetch((signal) => get<Candle[]>(`/instruments/${instrument}/candles`, { interval }, signal), [instrument, interval]);
  const [candles, setCandles] = useState<Candle[] | null>(null);
  useEffect(() => setCandles(loaded.data ?? null), [loaded.data]);
  // A trade shows at once; the server's candles follow a moment later and
  // settle any trade the two might both have counted.
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const unsubscribe = subscribe((trade) => {
      setCandles((previous) => (previous ? withTradeInCandles(previous, trade, INTERVAL_MS[interval]) : previous));
      clearTimeout(timer);
      timer = setTimeout(loaded.reload, 1_000);
    });
    return () => {
      clearTimeout(timer);
      unsubscribe();
    };
  }, [subscribe, interval, loaded.reload]);
  const label = (ms: number) => (interval === 'day' ? date(rayongDate(ms)) : formatClock(ms));
  const last = candles?.[candles.length - 1];
  const summary = last
    ? t('chart.price_summary', { close: perTonne(last.close_satang), at: dateTime(last.at_ms), count: candles!.length })
    : t('chart.no_trades');
  const table = (
    <DataTable
      caption={t('chart.price_title')}
      rows={[...(candles ?? [])].reverse()}
      rowKey={(c) => c.at_ms}
      testid="candle-table"
      columns={[
        { label: 'chart.interval_start', cell: (c) => dateTime(c.at_ms) },
        { label: 'chart.open', cell: (c) => perTonne(c.open_satang), numeric: true },
        { label: 'chart.high', cell: (c) => perTonne(c.high_satang), numeric: true },
        { label: 'chart.low', cell: (c) => perTonne(c.low_satang), numeric: true },
        { label: 'chart.close', cell: (c) => perTonne(c.close_satang), numeric: true },
        { label: 'chart.volume', cell: (c) => tonnes(c.volume_tco2e), numeric: true },
      ]}
    />
  );
  return (
    <ChartFigure id="price-chart" title="chart.price_title" summary={summary} table={table} testid="price-chart">
      {(width) => (
        <>
          <div class="switch light" role="group" aria-label={t('chart.interval')}>
            {INTERVALS.map((choice) => (
              <button
                type="button"
                key={choice}
                aria-pressed={interval === choice}
                onClick={() => setInterval_(choice)}
                data-testid={`interval-${choice}`}
              >
                {t(`chart.interval.${choice}` as MessageKey)}
              </button>
            ))}
          </div>
          {loaded.error ? (
            <LoadError error={loaded.error} reload={loaded.reload} />
          ) : !candles ? (
            <Loading />
          ) : candles.length === 0 ? (
            <Empty message="chart.no_trades" />
          ) : (
            <CandleChart width={width} label={summary} candles={candles} timeLabel={label} labelWidth={interval === 'day' ? 96 : 48} />
          )}
        </>
      )}
    </ChartFigure>
  );
}

function TradeTape({ trades, org }: { trades: Trade[]; org: number | null }) {
  const { t, num, locale } = useI18n();
  const when = useWhen();
  return (
    <section class="card" aria-labelledby="tape-title">
      <h2 id="tape-title">{t('tape.title')}</h2>
      {trades.length === 0 ? (
        <Empty message="tape.none" />
      ) : (
        <table class="tape" data-testid="trade-tape">
          <caption class="visually-hidden">{t('tape.title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('tape.time')}</th>
              <th scope="col" class="num">{t('book.price')}</th>
              <th scope="col" class="num">{t('book.tonnes')}</th>
              <th scope="col" class="wide-only">{t('tape.buyer')}</th>
              <th scope="col" class="wide-only">{t('tape.seller')}</th>
            </tr>
          </thead>
          <tbody>
            {trades.slice(0, TAPE_ROWS).map((trade) => (
              <tr
                key={trade.id}
                data-testid="trade-row"
                data-trade-id={trade.id}
                data-qty={trade.qty_tco2e}
                data-price={trade.price_satang}
                class={org !== null && (trade.buyer_org_id === org || trade.seller_org_id === org) ? 'mine' : undefined}
              >
                <td>{when(trade.at_ms)}</td>
                <td class={`num price ${trade.maker_side === 'sell' ? 'up' : trade.maker_side === 'buy' ? 'down' : ''}`}>
                  {formatBahtNumber(trade.price_satang, locale)}
                </td>
                <td class="num">{num(trade.qty_tco2e)}</td>
                <td class="wide-only">{trade.buyer}</td>
                <td class="wide-only">{trade.seller}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function OrderForm(props: {
  instrument: Instrument;
  book: Book | null;
  exchange: ExchangeInfo | undefined;
  cash: CashView | undefined;
  done: () => void;
}) {
  const { t, baht, perTonne, tonnes, percentBps, locale } = useI18n();
  const [notice, setNotice] = useState<string | null>(null);
  const tick = props.instrument.tick_satang;
  const form = useForm({ side: 'buy', type: 'limit', price_satang: '', qty_tco2e: '', tif: 'gtc' }, 'order');
  const { side, type } = form.values;
  const marketTifs = ['ioc', 'fok'];
  // A market order never rests: it fills now, in part or in full.
  useEffect(() => {
    if (type === 'market' && !marketTifs.includes(form.values.tif)) form.set('tif', 'ioc');
  }, [type]);
  const submit = form.submit(async (values, key) => {
    setNotice(null);
    const errors: Record<string, Problem> = {};
    const qty = parseWholeNumber(values.qty_tco2e);
    if (qty === null || qty === 0) errors.qty_tco2e = { key: 'error.whole_tonnes' };
    let price: number | null = null;
    if (values.type === 'limit') {
      price = parseBaht(values.price_satang);
      if (price === null || price === 0) errors.price_satang = { key: 'error.baht' };
      else if (price % tick !== 0) errors.price_satang = { key: 'error.off_tick', params: { tick: formatBahtNumber(tick, locale) } };
    }
    if (Object.keys(errors).length) return form.fail(errors);
    const body = {
      instrument_id: props.instrument.id,
      side: values.side,
      type: values.type,
      price_satang: values.type === 'limit' ? price : undefined,
      qty_tco2e: qty,
      tif: values.tif,
    };
    let answer: CommandResponse;
    try {
      answer = await command('/orders', body, key);
    } catch (error) {
      // Not enough cash (amount) or credits (quantity) is about the tonnes asked.
      if (error instanceof ApiError && (error.field === 'amount' || error.field === 'quantity')) {
        return form.fail({ qty_tco2e: describeError(error) });
      }
      throw error;
    }
    const placed = madeOf(answer, 'order');
    form.reset({ side: values.side, type: values.type, price_satang: values.price_satang, tif: values.tif });
    setNotice(t('order.placed', { id: placed?.order_id ?? '', traded: tonnes(placed?.traded_now_tco2e ?? 0) }));
    props.done();
  });
  const estimate = estimateOrder({
    side: side as 'buy' | 'sell',
    type: type as 'limit' | 'market',
    price_satang: parseBaht(form.values.price_satang),
    qty_tco2e: parseWholeNumber(form.values.qty_tco2e) ?? 0,
    fee_bps: props.exchange?.fee_bps ?? 0,
    book: props.book,
  });
  const tifs = (type === 'market' ? marketTifs : TIMES_IN_FORCE).map((v) => ({ value: v, label: t(`order.tif.${v}` as MessageKey) }));
  return (
    <section class="card order-entry" aria-labelledby="order-title">
      <h2 id="order-title">{t('order.title')}</h2>
      {notice && (
        <p class="notice" role="status" data-testid="order-notice">
          {notice}
        </p>
      )}
      <form onSubmit={submit} noValidate class="stacked-form" data-testid="order-form">
        <FormError problem={form.formError} />
        <div class="two-columns tight">
          <Field form={form} name="side" label="order.side" options={SIDES.map((v) => ({ value: v, label: t(`order.side.${v}` as MessageKey) }))} />
          <Field form={form} name="type" label="order.type" options={ORDER_TYPES.map((v) => ({ value: v, label: t(`order.type.${v}` as MessageKey) }))} />
        </div>
        {type === 'limit' && (
          <Field
            form={form}
            name="price_satang"
            label="order.price"
            inputMode="decimal"
            hint={t('order.tick', { tick: baht(tick) })}
            required
          />
        )}
        <Field form={form} name="qty_tco2e" label="order.quantity" inputMode="numeric" required />
        <Field form={form} name="tif" label="order.tif" options={tifs} hint={t(`order.tif_hint.${form.values.tif}` as MessageKey)} />
        <dl class="estimate" data-testid="order-estimate">
          <div>
            <dt>{t('order.value')}</dt>
            <dd>{estimate ? baht(estimate.value_satang) : '—'}</dd>
          </div>
          <div>
            <dt>{t('order.fee', { fee: percentBps(props.exchange?.fee_bps ?? 0) })}</dt>
            <dd>{estimate ? baht(estimate.fee_satang) : '—'}</dd>
          </div>
          <div class="total">
            <dt>{t(side === 'buy' ? 'order.you_pay' : 'order.you_receive')}</dt>
            <dd data-testid="order-total">{estimate ? baht(estimate.total_satang) : '—'}</dd>
          </div>
        </dl>
        {estimate && type === 'market' && (
          <p class="hint">
            {t('order.market_estimate', { qty: tonnes(estimate.qty_tco2e), average: perTonne(Math.round(estimate.value_satang / estimate.qty_tco2e)) })}
          </p>
        )}
        {side === 'buy' && props.cash && (
          <p class="hint">{t('order.buy_hold', { available: baht(props.cash.available_satang) })}</p>
        )}
        {side === 'sell' && <p class="hint">{t('order.sell_hold')}</p>}
        <SubmitButton busy={form.busy} label={side === 'buy' ? 'order.place_buy' : 'order.place_sell'} testid="place-order" />
      </form>
    </section>
  );
}

function CashCard({ cash }: { cash: CashView | undefined }) {
  const { t, baht } = useI18n();
  if (!cash) return <Loading />;
  return (
    <section class="card" aria-labelledby="cash-title" data-testid="cash">
      <h2 id="cash-title">{t('cash.title')}</h2>
      {cash.account_id === null && <p class="hint">{t('cash.no_account')}</p>}
      <ul class="figures compact">
        <li data-testid="cash-available">
          <span class="figure-value">{baht(cash.available_satang)}</span>
          <span class="figure-label">{t('cash.available')}</span>
        </li>
        <li data-testid="cash-held">
          <span class="figure-value">{baht(cash.held_satang)}</span>
          <span class="figure-label">{t('cash.held')}</span>
        </li>
      </ul>
      <p class="hint">{t('cash.balance_note', { balance: baht(cash.balance_satang) })}</p>
    </section>
  );
}

/// Changes a resting order: its limit and the tonnes it has left. A smaller
/// quantity at the same price keeps its place in the queue; any other change
/// sends it to the back of its new price, where it may trade at once.
function ModifyOrder(props: { order: Order; tick: number; close: () => void; changed: () => void }) {
  const { t, tonnes, locale } = useI18n();
  const { order, tick } = props;
  const left = order.qty_tco2e - order.filled_tco2e;
  const form = useForm(
    { price_satang: formatBahtNumber(order.price_satang ?? 0, 'en'), qty_tco2e: String(left) },
    `modify-${order.id}`,
  );
  const submit = form.submit(async (values, key) => {
    const errors: Record<string, Problem> = {};
    const qty = parseWholeNumber(values.qty_tco2e);
    if (qty === null || qty === 0) errors.qty_tco2e = { key: 'error.whole_tonnes' };
    const price = parseBaht(values.price_satang);
    if (price === null || price === 0) errors.price_satang = { key: 'error.baht' };
    else if (price % tick !== 0) errors.price_satang = { key: 'error.off_tick', params: { tick: formatBahtNumber(tick, locale) } };
    if (Object.keys(errors).length) return form.fail(errors);
    try {
      await command(`/orders/${order.id}/replace`, { price_satang: price, qty_tco2e: qty }, key);
    } catch (error) {
      // Not enough cash (amount) for the new size is about the tonnes asked.
      if (error instanceof ApiError && error.field === 'amount') return form.fail({ qty_tco2e: describeError(error) });
      throw error;
    }
    props.close();
    props.changed();
  });
  return (
    <form onSubmit={submit} noValidate class="stacked-form card" data-testid={`modify-order-form-${order.id}`}>
      <h3>{t('order.modify_title', { id: order.id })}</h3>
      <p class="hint">{t('order.modify_hint', { filled: tonnes(order.filled_tco2e) })}</p>
      <FormError problem={form.formError} />
      <div class="two-columns tight">
        <Field form={form} name="price_satang" label="order.price" inputMode="decimal" required />
        <Field form={form} name="qty_tco2e" label="order.modify_left" inputMode="numeric" required />
      </div>
      <div class="form-actions">
        <SubmitButton busy={form.busy} label="order.modify_save" testid={`modify-order-save-${order.id}`} />
        <button type="button" class="button secondary" onClick={props.close}>
          {t('order.modify_keep')}
        </button>
      </div>
    </form>
  );
}

function OpenOrders({ orders, tick, changed }: { orders: Order[] | undefined; tick: number; changed: () => void }) {
  const { t, perTonne, tonnes, dateTime } = useI18n();
  const [busy, setBusy] = useState<number | null>(null);
  const [editing, setEditing] = useState<Order | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const cancel = async (order: Order) => {
    setBusy(order.id);
    setProblem(null);
    try {
      await command(`/orders/${order.id}/cancel`, {}, newIdempotencyKey());
    } catch (error) {
      setProblem(describeError(error));
    } finally {
      setBusy(null);
      changed();
    }
  };
  return (
    <section aria-labelledby="open-orders-title">
      <h2 id="open-orders-title">{t('order.open_title')}</h2>
      <FormError problem={problem} />
      {!orders ? (
        <Loading />
      ) : orders.length === 0 ? (
        <Empty message="order.none_open" />
      ) : (
        <DataTable
          caption={t('order.open_title')}
          rows={orders}
          rowKey={(o) => o.id}
          testid="open-orders"
          columns={[
            { label: 'order.number', cell: (o) => t('order.number_value', { id: o.id }) },
            { label: 'order.side', cell: (o) => <span class={`side-${o.side}`}>{t(`order.side.${o.side}` as MessageKey)}</span> },
            { label: 'order.price', cell: (o) => (o.price_satang === null ? t('order.type.market') : perTonne(o.price_satang)), numeric: true },
            { label: 'order.quantity', cell: (o) => tonnes(o.qty_tco2e), numeric: true },
            { label: 'order.filled', cell: (o) => tonnes(o.filled_tco2e), numeric: true },
            { label: 'order.tif', cell: (o) => t(`order.tif.${o.tif}` as MessageKey) },
            { label: 'order.placed_at', cell: (o) => dateTime(o.placed_at_ms) },
            {
              label: 'order.action',
              cell: (o) => (
                <>
                  {o.price_satang !== null && (
                    <button
                      type="button"
                      class="button secondary small"
                      disabled={busy === o.id}
                      onClick={() => setEditing(editing?.id === o.id ? null : o)}
                      aria-expanded={editing?.id === o.id ? 'true' : 'false'}
                      data-testid={`modify-order-${o.id}`}
                      aria-label={t('order.modify_label', { id: o.id })}
                    >
                      {t('order.modify')}
                    </button>
                  )}{' '}
                  <button
                    type="button"
                    class="button secondary small"
                    disabled={busy === o.id}
                    onClick={() => cancel(o)}
                    data-testid={`cancel-order-${o.id}`}
                    aria-label={t('order.cancel_label', { id: o.id })}
                  >
                    {busy === o.id ? t('common.working') : t('order.cancel')}
                  </button>
                </>
              ),
            },
          ]}
        />
      )}
      {editing && (
        <ModifyOrder key={editing.id} order={editing} tick={tick} close={() => setEditing(null)} changed={changed} />
      )}
    </section>
  );
}

function Fills({ fills, org }: { fills: Trade[] | undefined; org: number | null }) {
  const { t, perTonne, tonnes, baht, dateTime } = useI18n();
  return (
    <section aria-labelledby="fills-title">
      <h2 id="fills-title">{t('fills.title')}</h2>
      {!fills ? (
        <Loading />
      ) : fills.length === 0 ? (
        <Empty message="fills.none" />
      ) : (
        <DataTable
          caption={t('fills.title')}
          rows={fills}
          rowKey={(f) => f.id}
          testid="fills"
          columns={[
            { label: 'fills.time', cell: (f) => dateTime(f.at_ms) },
            { label: 'fills.side', cell: (f) => t(f.buyer_org_id === org ? 'fills.bought' : 'fills.sold') },
            { label: 'fills.price', cell: (f) => perTonne(f.price_satang), numeric: true },
            { label: 'order.quantity', cell: (f) => tonnes(f.qty_tco2e), numeric: true },
            { label: 'fills.value', cell: (f) => baht(f.value_satang), numeric: true },
            { label: 'fills.fee', cell: (f) => (f.seller_org_id === org ? baht(f.fee_satang) : '—'), numeric: true },
            { label: 'fills.counterparty', cell: (f) => (f.buyer_org_id === org ? f.seller : f.buyer) },
          ]}
        />
      )}
    </section>
  );
}

/// The signed-in organisation's side of the page: what it can spend, its
/// orders resting in this book, and its fills.
function useOwnMarket(instrument: number, user: User | null, generation: number) {
  const signedIn = user !== null;
  const cash = useFetch((signal) => (signedIn ? get<CashView>('/cash', {}, signal) : Promise.resolve(undefined)), [signedIn, generation]);
  const orders = useFetch(
    (signal) =>
      signedIn ? getPage<Order>('/orders', { status: 'open', instrument, per_page: 100 }, signal) : Promise.resolve(undefined),
    [signedIn, instrument, generation],
  );
  const fills = useFetch(
    (signal) =>
      signedIn ? getPage<Trade>('/trades', { mine: 'true', instrument, per_page: 20 }, signal) : Promise.resolve(undefined),
    [signedIn, instrument, generation],
  );
  return { cash: cash.data, orders: orders.data?.items, fills: fills.data?.items };
}

export function TradingPage({ id, user, location }: { id: number; user: User | null; location: Location }) {
  const { t, perTonne, tonnes } = useI18n();
  const price = usePrice();
  const instrument = useFetch((signal) => get<Instrument>(`/instruments/${id}`, {}, signal), [id]);
  const exchange = useFetch((signal) => get<ExchangeInfo>('/exchange', {}, signal), []);
  const [generation, setGeneration] = useState(0);
  const refreshOwn = () => setGeneration((n) => n + 1);
  // Listeners of each trade the stream reports (the chart).
  const listeners = useRef(new Set<TradeListener>());
  const subscribe = useRef((listener: TradeListener) => {
    listeners.current.add(listener);
    return () => void listeners.current.delete(listener);
  }).current;
  const feed = useMarketFeed(id, (trade) => {
    listeners.current.forEach((listener) => listener(trade));
    instrument.reload();
    if (user && (trade.buyer_org_id === user.org_id || trade.seller_org_id === user.org_id)) refreshOwn();
  }, !instrument.error);
  const own = useOwnMarket(id, user, generation);
  if (instrument.error) return <LoadError error={instrument.error} reload={instrument.reload} />;
  const info = instrument.data;
  if (!info) return <Loading />;
  const last = feed.trades[0]?.price_satang ?? info.last_price_satang;
  return (
    <>
      <p class="breadcrumb">
        <Link href="/market">{t('market.back')}</Link>
      </p>
      <div class="title-row">
        <PageTitle>
          <span class="mono">{info.code}</span>
        </PageTitle>
        <LiveStatus status={feed.status} />
      </div>
      <p class="lead">
        {t('market.instrument_lead', { project: info.project_name, year: info.vintage_year, tick: perTonne(info.tick_satang) })}
      </p>
      <FeeNote exchange={exchange.data} />
      <Facts
        items={[
          ['market.best_bid', <span data-testid="best-bid">{price(feed.book?.bids[0]?.price_satang ?? info.best_bid_satang)}</span>],
          ['market.best_ask', <span data-testid="best-ask">{price(feed.book?.asks[0]?.price_satang ?? info.best_ask_satang)}</span>],
          ['market.last', <span data-testid="last-price">{price(last)}</span>],
          ['market.volume', tonnes(info.volume_tco2e)],
        ]}
      />
      <div class="trading-grid">
        <div class="trading-side">
          <OrderBook book={feed.book} />
          {user ? (
            <OrderForm instrument={info} book={feed.book} exchange={exchange.data} cash={own.cash} done={refreshOwn} />
          ) : (
            <section class="card">
              <h2>{t('order.title')}</h2>
              <p>{t('market.sign_in_to_trade')}</p>
              <Link href={signInHref(location)} class="button primary">
                {t('nav.sign_in')}
              </Link>
            </section>
          )}
        </div>
        <div class="trading-main">
          <PriceChart instrument={id} subscribe={subscribe} />
          <TradeTape trades={feed.trades} org={user?.org_id ?? null} />
        </div>
      </div>
      {user && (
        <section aria-labelledby="own-title" class="own-market" data-testid="own-market">
          <h2 id="own-title">{t('market.own_title', { organisation: user.org_name })}</h2>
          <CashCard cash={own.cash} />
          <OpenOrders orders={own.orders} tick={info.tick_satang} changed={refreshOwn} />
          <Fills fills={own.fills} org={user.org_id} />
        </section>
      )}
    </>
  );
}
