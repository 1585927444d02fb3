import { useState } from 'preact/hooks';
import { useI18n, type MessageKey } from '../i18n/i18n';
import { command, get, madeOf } from '../lib/api';
import { parseWholeNumber } from '../lib/format';
import { allOrganisations } from '../lib/lookups';
import { navigate, type Location } from '../lib/router';
import type { AccountView, CashView, Holding, Organisation, User } from '../lib/types';
import { Empty, Facts, LoadError, Loading, PageTitle } from '../ui/bits';
import { useFetch } from '../ui/fetch';
import { Field, FormError, SubmitButton, useForm } from '../ui/form';
import { Link } from '../ui/link';
import { DataTable } from '../ui/table';
import { RetirementTable } from './retirements';
import { TradeMovements } from './trades';

function useHoldingOptions(holdings: Holding[]) {
  const { t, num, period } = useI18n();
  return holdings
    .filter((h) => h.active_tco2e > 0)
    .map((h) => ({
      value: String(h.batch_id),
      label: t('account.holding_option', {
        project: h.project_name,
        vintage: period(h.vintage_start, h.vintage_end),
        active: num(h.active_tco2e),
      }),
    }));
}

function Holdings({ holdings }: { holdings: Holding[] }) {
  const { t, tonnes, period } = useI18n();
  if (holdings.length === 0) return <Empty message="account.no_holdings" />;
  return (
    <DataTable
      caption={t('account.holdings')}
      rows={holdings}
      rowKey={(h) => h.batch_id}
      testid="holding-table"
      columns={[
        { label: 'batch.project', cell: (h) => <Link href={`/projects/${h.project_id}`}>{h.project_name}</Link> },
        { label: 'batch.title_short', cell: (h) => <Link href={`/batches/${h.batch_id}`}>{t('batch.title', { id: h.batch_id })}</Link> },
        { label: 'batch.vintage', cell: (h) => period(h.vintage_start, h.vintage_end) },
        { label: 'batch.active', cell: (h) => tonnes(h.active_tco2e), numeric: true },
        { label: 'batch.held', cell: (h) => tonnes(h.held_tco2e), numeric: true },
        {
          label: 'retirement.serials',
          cell: (h) => (
            <details>
              <summary>{t(h.serials.length === 1 ? 'account.serial_count_one' : 'account.serial_count', { count: h.serials.length })}</summary>
              <ul class="plain-list mono small">{h.serials.map((s) => <li key={s}>{s}</li>)}</ul>
            </details>
          ),
        },
      ]}
    />
  );
}

function Transfer(props: { user: User; holdings: Holding[]; organisations: Organisation[]; done: (message: string) => void }) {
  const { t, tonnes } = useI18n();
  const batches = useHoldingOptions(props.holdings);
  const recipients = props.organisations
    .filter((o) => o.account !== props.user.account_id)
    .map((o) => ({ value: String(o.account), label: `${o.name} (${t(`role.${o.role}` as MessageKey)})` }));
  const form = useForm({ batch_id: batches[0]?.value ?? '', quantity: '', to_account: '' }, 'transfer');
  const submit = form.submit(async (values, key) => {
    const quantity = parseWholeNumber(values.quantity);
    if (quantity === null) return form.fail({ quantity: { key: 'error.whole_number' } });
    if (!values.to_account) return form.fail({ to_account: { key: 'error.choose_recipient' } });
    const body = { to_account: Number(values.to_account), batch_id: Number(values.batch_id), quantity };
    await command(`/accounts/${props.user.account_id}/transfers`, body, key);
    const to = recipients.find((r) => r.value === values.to_account)?.label ?? '';
    form.reset({ batch_id: values.batch_id });
    props.done(t('account.transferred', { quantity: tonnes(quantity), to }));
  });
  if (batches.length === 0) return null;
  return (
    <section class="card" aria-labelledby="transfer-title">
      <h2 id="transfer-title">{t('account.transfer')}</h2>
      <form onSubmit={submit} noValidate class="stacked-form" data-testid="transfer-form">
        <FormError problem={form.formError} />
        <Field form={form} name="batch_id" label="account.batch" options={batches} />
        <Field form={form} name="quantity" label="account.quantity" inputMode="numeric" required />
        <Field form={form} name="to_account" label="account.to" options={[{ value: '', label: t('account.choose') }, ...recipients]} required />
        <SubmitButton busy={form.busy} label="account.transfer_button" testid="transfer" />
      </form>
    </section>
  );
}

function Retire({ user, holdings }: { user: User; holdings: Holding[] }) {
  const { t } = useI18n();
  const batches = useHoldingOptions(holdings);
  const form = useForm({
    batch_id: batches[0]?.value ?? '',
    quantity: '',
    beneficiary: user.org_name,
    reason: '',
    jurisdiction: 'TH-21',
    inventory_year: String(new Date().getFullYear() - 1),
  }, 'retire');
  const submit = form.submit(async (values, key) => {
    const quantity = parseWholeNumber(values.quantity);
    const year = parseWholeNumber(values.inventory_year);
    if (quantity === null) return form.fail({ quantity: { key: 'error.whole_number' } });
    if (year === null) return form.fail({ inventory_year: { key: 'error.whole_number' } });
    const body = { ...values, batch_id: Number(values.batch_id), quantity, inventory_year: year };
    const retired = madeOf(await command(`/accounts/${user.account_id}/retirements`, body, key), 'retirement');
    navigate(retired ? `/retirements/${retired.retirement_id}` : '/retirements');
  });
  if (batches.length === 0) return null;
  return (
    <section class="card" aria-labelledby="retire-title">
      <h2 id="retire-title">{t('account.retire')}</h2>
      <p>{t('account.retire_text')}</p>
      <form onSubmit={submit} noValidate class="stacked-form" data-testid="retire-form">
        <FormError problem={form.formError} />
        <Field form={form} name="batch_id" label="account.batch" options={batches} />
        <Field form={form} name="quantity" label="account.quantity" inputMode="numeric" required />
        <Field form={form} name="beneficiary" label="retirement.beneficiary" hint={t('account.beneficiary_hint')} required />
        <Field form={form} name="reason" label="retirement.reason" multiline rows={2} required />
        <Field form={form} name="inventory_year" label="retirement.inventory_year_ce" inputMode="numeric" hint={t('account.inventory_year_hint')} required />
        <Field form={form} name="jurisdiction" label="retirement.jurisdiction" hint={t('project.jurisdiction_hint')} required />
        <SubmitButton busy={form.busy} label="account.retire_button" testid="retire" kind="danger" />
      </form>
    </section>
  );
}

/// The organisation's baht on the exchange: what it may spend, and what
/// its orders and bids hold.
function CashSummary() {
  const { t, baht } = useI18n();
  const cash = useFetch((signal) => get<CashView>('/cash', {}, signal), []);
  if (!cash.data) return null;
  return (
    <section class="card compact-card" aria-labelledby="account-cash-title" data-testid="account-cash">
      <h2 id="account-cash-title">{t('cash.title')}</h2>
      {cash.data.account_id === null ? (
        <p class="hint">{t('cash.no_account')}</p>
      ) : (
        <Facts
          items={[
            ['cash.available', baht(cash.data.available_satang)],
            ['cash.held', baht(cash.data.held_satang)],
          ]}
        />
      )}
      <Link href="/market">{t('cash.to_market')}</Link>
    </section>
  );
}

export function AccountPage({ user, location }: { user: User; location: Location }) {
  const { t } = useI18n();
  const [notice, setNotice] = useState<string | null>(null);
  const account = useFetch(
    (signal) => (user.account_id ? get<AccountView>(`/accounts/${user.account_id}`, {}, signal) : Promise.resolve(undefined)),
    [user.account_id],
  );
  const organisations = useFetch(() => allOrganisations(), []);
  if (!user.account_id) return <Empty message="account.none" />;
  if (account.error) return <LoadError error={account.error} reload={account.reload} />;
  if (!account.data) return <Loading />;
  const holdings = account.data.holdings;
  const done = (message: string) => {
    setNotice(message);
    account.reload();
  };
  return (
    <>
      <PageTitle>{t('account.title')}</PageTitle>
      <p class="lead">{t('account.lead', { organisation: account.data.organisation, id: user.account_id })}</p>
      {notice && (
        <p class="notice" role="status" data-testid="notice">
          {notice}
        </p>
      )}
      <CashSummary />
      <section aria-labelledby="holdings-title">
        <h2 id="holdings-title">{t('account.holdings')}</h2>
        <Holdings holdings={holdings} />
      </section>
      <div class="two-columns">
        {organisations.data && <Transfer user={user} holdings={holdings} organisations={organisations.data} done={done} />}
        <Retire user={user} holdings={holdings} />
      </div>
      <section aria-labelledby="account-trades-title">
        <h2 id="account-trades-title">{t('trades.account_title')}</h2>
        <TradeMovements
          path={`/accounts/${user.account_id}/trades`}
          location={location}
          caption="trades.account_title"
          empty="trades.none_account"
          account={user.account_id}
          param="trades_page"
        />
      </section>
      <section aria-labelledby="certificates-title">
        <h2 id="certificates-title">{t('account.certificates')}</h2>
        <RetirementTable query={{ account: user.account_id }} location={location} empty="account.no_certificates" />
      </section>
    </>
  );
}
