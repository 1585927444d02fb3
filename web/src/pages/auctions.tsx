//! Primary sales by sealed-bid call auction. The list is public; an
//! auction's page shows its supply, reserve and closing time with a
//! countdown; a signed-in organisation bids and sees its own bids (the
//! others stay sealed until the close); once cleared, everyone sees the one
//! clearing price, the tonnes sold and each bid's allocation. The operator
//! opens auctions for sellers and closes them.

import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { useI18n, type MessageKey } from '../i18n/i18n';
import { ApiError, command, get, getPage, madeOf, newIdempotencyKey } from '../lib/api';
import { describeError, type Problem } from '../lib/errors';
import { parseBaht, parseRayongDateTime, parseWholeNumber, rayongDateTimeInput } from '../lib/format';
import { allOrganisations } from '../lib/lookups';
import { countdownTo } from '../lib/market';
import { navigate, type Location } from '../lib/router';
import type { Auction, AuctionBid, AuctionStatus, Instrument, Organisation, User } from '../lib/types';
import { Empty, Facts, LoadError, Loading, PageTitle, Pager, pageOf } from '../ui/bits';
import { useFetch } from '../ui/fetch';
import { Field, FormError, SubmitButton, useForm } from '../ui/form';
import { Link } from '../ui/link';
import { DataTable } from '../ui/table';

const PER_PAGE = 20;
const HOUR_MS = 3_600_000;

const STATUS_TONE: Record<AuctionStatus, string> = { open: 'info', cleared: 'good', no_sale: 'neutral' };

export function AuctionStatusBadge({ status }: { status: AuctionStatus }) {
  const { t } = useI18n();
  return (
    <span class={`badge ${STATUS_TONE[status] ?? 'neutral'}`} data-testid="auction-status" data-status={status}>
      {t(`auction.status.${status}` as MessageKey)}
    </span>
  );
}

/// The current time, moving on every `everyMs`.
function useNow(everyMs = 1_000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}

function Countdown({ closesAtMs }: { closesAtMs: number }) {
  const { t } = useI18n();
  const left = countdownTo(closesAtMs, useNow());
  if (!left) return <span data-testid="countdown">{t('auction.bidding_ended')}</span>;
  return (
    <span data-testid="countdown">
      {t(left.days > 0 ? 'auction.countdown_days' : 'auction.countdown', {
        days: left.days,
        hours: left.hours,
        minutes: left.minutes,
        seconds: left.seconds,
      })}
    </span>
  );
}

function Result({ auction }: { auction: Auction }) {
  const { t, perTonne, tonnes } = useI18n();
  if (auction.status === 'open') return null;
  return (
    <section class="card result" aria-labelledby="result-title" data-testid="auction-result">
      <h2 id="result-title">{t('auction.result')}</h2>
      {auction.status === 'no_sale' ? (
        <p>{t('auction.no_sale_text')}</p>
      ) : (
        <ul class="figures compact">
          <li data-testid="clearing-price">
            <span class="figure-value">{auction.price_satang === null ? '—' : perTonne(auction.price_satang)}</span>
            <span class="figure-label">{t('auction.clearing_price')}</span>
          </li>
          <li data-testid="sold">
            <span class="figure-value">{tonnes(auction.sold_tco2e)}</span>
            <span class="figure-label">{t('auction.sold_of', { supply: tonnes(auction.supply_tco2e) })}</span>
          </li>
        </ul>
      )}
    </section>
  );
}

function BidTable({ auction, caption, testid }: { auction: Auction; caption: string; testid: string }) {
  const { t, perTonne, tonnes, dateTime } = useI18n();
  const closed = auction.status !== 'open';
  return (
    <DataTable<AuctionBid>
      caption={caption}
      rows={auction.bids}
      rowKey={(b) => b.number}
      testid={testid}
      columns={[
        { label: 'auction.bid_number', cell: (b) => t('auction.bid_number_value', { number: b.number }) },
        { label: 'auction.bidder', cell: (b) => b.bidder },
        { label: 'auction.bid_price', cell: (b) => perTonne(b.price_satang), numeric: true },
        { label: 'auction.bid_quantity', cell: (b) => tonnes(b.qty_tco2e), numeric: true },
        { label: 'auction.placed_at', cell: (b) => dateTime(b.placed_at_ms) },
        ...(closed ? [{ label: 'auction.allocated' as MessageKey, cell: (b: AuctionBid) => tonnes(b.allocated_tco2e), numeric: true }] : []),
      ]}
    />
  );
}

function BidForm({ auction, done }: { auction: Auction; done: (message: string) => void }) {
  const { t, perTonne, tonnes } = useI18n();
  const form = useForm({ price_satang: '', qty_tco2e: '' }, 'bid');
  const submit = form.submit(async (values, key) => {
    const price = parseBaht(values.price_satang);
    const qty = parseWholeNumber(values.qty_tco2e);
    const errors: Record<string, Problem> = {};
    if (price === null || price === 0) errors.price_satang = { key: 'error.baht' };
    if (qty === null || qty === 0) errors.qty_tco2e = { key: 'error.whole_tonnes' };
    if (price === null || qty === null || Object.keys(errors).length) return form.fail(errors);
    try {
      await command(`/auctions/${auction.id}/bids`, { price_satang: price, qty_tco2e: qty }, key);
    } catch (error) {
      if (error instanceof ApiError && error.field === 'amount') return form.fail({ qty_tco2e: describeError(error) });
      throw error;
    }
    form.reset();
    done(t('auction.bid_placed', { qty: tonnes(qty), price: perTonne(price) }));
  });
  return (
    <section class="card" aria-labelledby="bid-title">
      <h2 id="bid-title">{t('auction.bid_title')}</h2>
      <p class="hint">{t('auction.bid_text')}</p>
      <form onSubmit={submit} noValidate class="stacked-form" data-testid="bid-form">
        <FormError problem={form.formError} />
        <Field
          form={form}
          name="price_satang"
          label="auction.bid_price_baht"
          inputMode="decimal"
          hint={t('auction.reserve_hint', { reserve: perTonne(auction.reserve_satang) })}
          required
        />
        <Field
          form={form}
          name="qty_tco2e"
          label="auction.bid_quantity"
          inputMode="numeric"
          hint={t('auction.supply_hint', { supply: tonnes(auction.supply_tco2e) })}
          required
        />
        <SubmitButton busy={form.busy} label="auction.place_bid" testid="place-bid" />
      </form>
    </section>
  );
}

function CloseNow({ auction, done }: { auction: Auction; done: () => void }) {
  const { t } = useI18n();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const close = async () => {
    setBusy(true);
    setProblem(null);
    try {
      await command(`/auctions/${auction.id}/close`, {}, newIdempotencyKey());
      done();
    } catch (error) {
      setProblem(describeError(error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="card action" aria-labelledby="close-title">
      <h2 id="close-title">{t('auction.close_title')}</h2>
      <p>{t('auction.close_text')}</p>
      <FormError problem={problem} />
      <button type="button" class="button danger" disabled={busy} aria-busy={busy ? 'true' : undefined} onClick={close} data-testid="close-auction">
        {busy ? t('common.working') : t('auction.close_now')}
      </button>
    </section>
  );
}

export function AuctionPage({ id, user }: { id: number; user: User | null }) {
  const { t, perTonne, tonnes, dateTime, num } = useI18n();
  const [notice, setNotice] = useState<string | null>(null);
  const auction = useFetch((signal) => get<Auction>(`/auctions/${id}`, {}, signal), [id, user?.id]);
  if (auction.error) return <LoadError error={auction.error} reload={auction.reload} />;
  const a = auction.data;
  if (!a) return <Loading />;
  const open = a.status === 'open';
  const operator = user?.role === 'operator';
  const seller = user?.org_id === a.seller_org_id;
  const biddingEnded = Date.now() >= a.closes_at_ms;
  const mayBid = open && !!user && !operator && !seller && !biddingEnded;
  const mayClose = open && (operator || (seller && biddingEnded));
  return (
    <>
      <p class="breadcrumb">
        <Link href="/auctions">{t('auction.back')}</Link>
      </p>
      <PageTitle>{t('auction.title', { id: a.id })}</PageTitle>
      <p class="lead">{t('auction.lead', { seller: a.seller, supply: tonnes(a.supply_tco2e), code: a.code })}</p>
      {notice && (
        <p class="notice" role="status" data-testid="notice">
          {notice}
        </p>
      )}
      <Facts
        items={[
          ['auction.status_label', <AuctionStatusBadge status={a.status} />],
          [
            'auction.instrument',
            <Link href={`/market/${a.instrument_id}`}>
              <span class="mono">{a.code}</span>
            </Link>,
          ],
          ['auction.seller', a.seller],
          ['auction.supply', tonnes(a.supply_tco2e)],
          ['auction.reserve', perTonne(a.reserve_satang)],
          ['auction.opens', dateTime(a.opens_at_ms)],
          ['auction.closes', dateTime(a.closes_at_ms)],
          ...(open ? [['auction.time_left', <Countdown closesAtMs={a.closes_at_ms} />] as [MessageKey, ComponentChildren]] : []),
          ['auction.bid_count', <span data-testid="bid-count">{num(a.bid_count)}</span>],
        ]}
      />
      <Result auction={a} />
      {open && (
        <p class="note" data-testid="sealed-note">
          {t(operator ? 'auction.sealed_operator' : 'auction.sealed')}
        </p>
      )}
      {mayBid && (
        <BidForm
          auction={a}
          done={(message) => {
            setNotice(message);
            auction.reload();
          }}
        />
      )}
      {open && seller && <p class="hint">{t('auction.seller_no_bid')}</p>}
      {mayClose && (
        <CloseNow
          auction={a}
          done={() => {
            setNotice(t('auction.closed_notice'));
            auction.reload();
          }}
        />
      )}
      {!open ? (
        <section aria-labelledby="allocations-title">
          <h2 id="allocations-title">{t('auction.allocations')}</h2>
          {a.bids.length === 0 ? (
            <Empty message="auction.no_bids" />
          ) : (
            <BidTable auction={a} caption={t('auction.allocations')} testid="allocations" />
          )}
        </section>
      ) : user ? (
        <section aria-labelledby="bids-title">
          <h2 id="bids-title">{t(operator ? 'auction.all_bids' : 'auction.your_bids')}</h2>
          {a.bids.length === 0 ? (
            <Empty message="auction.no_own_bids" />
          ) : (
            <BidTable auction={a} caption={t(operator ? 'auction.all_bids' : 'auction.your_bids')} testid="own-bids" />
          )}
        </section>
      ) : (
        <p>
          <Link href={`/sign-in?next=${encodeURIComponent(`/auctions/${a.id}`)}`}>{t('auction.sign_in_to_bid')}</Link>
        </p>
      )}
    </>
  );
}

function OpenAuctionForm() {
  const { t, dateTime } = useI18n();
  const instruments = useFetch((signal) => get<Instrument[]>('/instruments', {}, signal), []);
  const organisations = useFetch(() => allOrganisations(), []);
  // Tomorrow at the next whole hour, in Rayong.
  const closes = Math.ceil((Date.now() + 24 * HOUR_MS) / HOUR_MS) * HOUR_MS;
  const form = useForm(
    { instrument_id: '', seller_org_id: '', supply_tco2e: '', reserve_satang: '', closes_at_ms: rayongDateTimeInput(closes) },
    'auction',
  );
  const submit = form.submit(async (values, key) => {
    const errors: Record<string, Problem> = {};
    const supply = parseWholeNumber(values.supply_tco2e);
    const reserve = parseBaht(values.reserve_satang);
    const closesAt = parseRayongDateTime(values.closes_at_ms);
    if (!values.instrument_id) errors.instrument_id = { key: 'error.choose_instrument' };
    if (!values.seller_org_id) errors.seller_org_id = { key: 'error.choose_organisation' };
    if (supply === null || supply === 0) errors.supply_tco2e = { key: 'error.whole_tonnes' };
    if (reserve === null || reserve === 0) errors.reserve_satang = { key: 'error.baht' };
    if (closesAt === null) errors.closes_at_ms = { key: 'error.date_time' };
    if (Object.keys(errors).length) return form.fail(errors);
    const body = {
      instrument_id: Number(values.instrument_id),
      seller_org_id: Number(values.seller_org_id),
      supply_tco2e: supply,
      reserve_satang: reserve,
      closes_at_ms: closesAt,
    };
    let answer;
    try {
      answer = await command('/auctions', body, key);
    } catch (error) {
      // Too few credits in the seller's account is about the supply.
      if (error instanceof ApiError && error.field === 'quantity') return form.fail({ supply_tco2e: describeError(error) });
      throw error;
    }
    const opened = madeOf(answer, 'auction');
    navigate(opened ? `/auctions/${opened.auction_id}` : '/auctions');
  });
  if (instruments.error) return <LoadError error={instruments.error} reload={instruments.reload} />;
  if (organisations.error) return <LoadError error={organisations.error} reload={organisations.reload} />;
  if (!instruments.data || !organisations.data) return <Loading />;
  const sellers = organisations.data.filter((o: Organisation) => o.role !== 'operator' && o.role !== 'verifier');
  const preview = parseRayongDateTime(form.values.closes_at_ms);
  return (
    <section class="card" aria-labelledby="open-auction-title">
      <h2 id="open-auction-title">{t('auction.open_title')}</h2>
      <form onSubmit={submit} noValidate class="stacked-form" data-testid="open-auction-form">
        <FormError problem={form.formError} />
        <Field
          form={form}
          name="instrument_id"
          label="auction.instrument"
          options={[
            { value: '', label: t('auction.choose_instrument') },
            ...instruments.data.map((i) => ({ value: String(i.id), label: t('auction.instrument_option', { code: i.code, project: i.project_name }) })),
          ]}
          required
        />
        <Field
          form={form}
          name="seller_org_id"
          label="auction.seller"
          options={[
            { value: '', label: t('factories.choose') },
            ...sellers.map((o) => ({ value: String(o.id), label: `${o.name} (${t(`role.${o.role}` as MessageKey)})` })),
          ]}
          required
        />
        <div class="two-columns tight">
          <Field form={form} name="supply_tco2e" label="auction.supply" inputMode="numeric" required />
          <Field form={form} name="reserve_satang" label="auction.reserve_baht" inputMode="decimal" required />
        </div>
        <Field
          form={form}
          name="closes_at_ms"
          label="auction.closes"
          type="datetime-local"
          hint={
            <>
              {t('auction.closes_hint')}{' '}
              {preview !== null && <span class="date-preview">{dateTime(preview)}</span>}
            </>
          }
          required
        />
        <SubmitButton busy={form.busy} label="auction.open_button" testid="open-auction" />
      </form>
    </section>
  );
}

export function AuctionList({ location, user }: { location: Location; user: User | null }) {
  const { t, perTonne, tonnes, dateTime } = useI18n();
  const page = pageOf(location);
  const list = useFetch((signal) => getPage<Auction>('/auctions', { page, per_page: PER_PAGE }, signal), [page, user?.id]);
  return (
    <>
      <p class="breadcrumb">
        <Link href="/market">{t('market.back')}</Link>
      </p>
      <PageTitle>{t('auctions.title')}</PageTitle>
      <p class="lead">{t('auctions.lead')}</p>
      {user?.role === 'operator' && <OpenAuctionForm />}
      <section aria-labelledby="auction-list-title">
        <h2 id="auction-list-title">{t('auctions.list')}</h2>
        {list.error ? (
          <LoadError error={list.error} reload={list.reload} />
        ) : !list.data ? (
          <Loading />
        ) : list.data.items.length === 0 ? (
          <Empty message="auctions.none" />
        ) : (
          <>
            <DataTable
              caption={t('auctions.list')}
              rows={list.data.items}
              rowKey={(a) => a.id}
              testid="auction-table"
              columns={[
                { label: 'auctions.auction', cell: (a) => <Link href={`/auctions/${a.id}`}>{t('auction.title', { id: a.id })}</Link> },
                { label: 'auction.instrument', cell: (a) => <span class="mono">{a.code}</span> },
                { label: 'auction.seller', cell: (a) => a.seller },
                { label: 'auction.supply', cell: (a) => tonnes(a.supply_tco2e), numeric: true },
                { label: 'auction.reserve', cell: (a) => perTonne(a.reserve_satang), numeric: true },
                { label: 'auction.closes', cell: (a) => dateTime(a.closes_at_ms) },
                { label: 'auction.status_label', cell: (a) => <AuctionStatusBadge status={a.status} /> },
                {
                  label: 'auction.result',
                  cell: (a) =>
                    a.status === 'cleared' && a.price_satang !== null
                      ? t('auctions.cleared_at', { sold: tonnes(a.sold_tco2e), price: perTonne(a.price_satang) })
                      : '—',
                },
              ]}
            />
            <Pager location={location} page={page} total={list.data.total} perPage={PER_PAGE} />
          </>
        )}
      </section>
    </>
  );
}
