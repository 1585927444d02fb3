//! The operator's cash desk: bank transfers recorded as deposits and
//! withdrawals of an organisation's baht, the exchange's fee, and the
//! batches listed for trading with their tick.

import { useState } from 'preact/hooks';
import { useI18n, type MessageKey } from '../i18n/i18n';
import { command, get, getPage } from '../lib/api';
import { parseBaht } from '../lib/format';
import { allOrganisations } from '../lib/lookups';
import { percentTextToBps } from '../lib/market';
import type { Batch, ExchangeInfo, Instrument } from '../lib/types';
import { Empty, LoadError, Loading, PageTitle } from '../ui/bits';
import { useFetch } from '../ui/fetch';
import { Field, FormError, SubmitButton, useForm } from '../ui/form';
import { Link } from '../ui/link';
import { DataTable } from '../ui/table';

function Notice({ text }: { text: string | null }) {
  if (!text) return null;
  return (
    <p class="notice" role="status" data-testid="notice">
      {text}
    </p>
  );
}

function BankTransferForm() {
  const { t, baht } = useI18n();
  const [notice, setNotice] = useState<string | null>(null);
  const organisations = useFetch(() => allOrganisations(), []);
  const form = useForm({ kind: 'deposit', org_id: '', amount_satang: '', reference: '' }, 'deposit');
  const submit = form.submit(async (values, key) => {
    setNotice(null);
    const amount = parseBaht(values.amount_satang);
    const errors: Partial<Record<keyof typeof values, { key: MessageKey }>> = {};
    if (!values.org_id) errors.org_id = { key: 'error.choose_organisation' };
    if (amount === null || amount === 0) errors.amount_satang = { key: 'error.baht' };
    if (!values.reference.trim()) errors.reference = { key: 'error.required' };
    if (Object.keys(errors).length) return form.fail(errors);
    const body = { org_id: Number(values.org_id), amount_satang: amount, reference: values.reference.trim() };
    await command(values.kind === 'deposit' ? '/cash/deposits' : '/cash/withdrawals', body, key);
    const name = organisations.data?.find((o) => String(o.id) === values.org_id)?.name ?? '';
    form.reset({ kind: values.kind });
    setNotice(t(values.kind === 'deposit' ? 'desk.deposited' : 'desk.withdrawn', { amount: baht(amount!), organisation: name }));
  });
  if (organisations.error) return <LoadError error={organisations.error} reload={organisations.reload} />;
  if (!organisations.data) return <Loading />;
  const choices = organisations.data
    .filter((o) => o.role !== 'operator')
    .map((o) => ({ value: String(o.id), label: `${o.name} (${t(`role.${o.role}` as MessageKey)})` }));
  return (
    <section class="card" aria-labelledby="deposit-title">
      <h2 id="deposit-title">{t('desk.transfer_title')}</h2>
      <p class="hint">{t('desk.transfer_text')}</p>
      <Notice text={notice} />
      <form onSubmit={submit} noValidate class="stacked-form" data-testid="deposit-form">
        <FormError problem={form.formError} />
        <Field
          form={form}
          name="kind"
          label="desk.kind"
          options={[
            { value: 'deposit', label: t('desk.kind.deposit') },
            { value: 'withdrawal', label: t('desk.kind.withdrawal') },
          ]}
        />
        <Field form={form} name="org_id" label="desk.organisation" options={[{ value: '', label: t('factories.choose') }, ...choices]} required />
        <Field form={form} name="amount_satang" label="desk.amount" inputMode="decimal" hint={t('desk.amount_hint')} required />
        <Field form={form} name="reference" label="desk.reference" hint={t('desk.reference_hint')} required />
        <SubmitButton busy={form.busy} label="desk.record" testid="record-transfer" />
      </form>
    </section>
  );
}

function FeeForm() {
  const { t, percentBps } = useI18n();
  const [notice, setNotice] = useState<string | null>(null);
  const exchange = useFetch((signal) => get<ExchangeInfo>('/exchange', {}, signal), []);
  const form = useForm({ fee_bps: '' }, 'fee');
  const submit = form.submit(async (values, key) => {
    setNotice(null);
    const bps = percentTextToBps(values.fee_bps);
    if (bps === null) return form.fail({ fee_bps: { key: 'error.percent' } });
    await command('/exchange', { fee_bps: bps }, key, 'PUT');
    form.reset();
    setNotice(t('desk.fee_set', { fee: percentBps(bps) }));
    exchange.reload();
  });
  return (
    <section class="card" aria-labelledby="fee-title">
      <h2 id="fee-title">{t('desk.fee_title')}</h2>
      {exchange.data && (
        <p data-testid="current-fee">
          {exchange.data.open ? t('desk.fee_now', { fee: percentBps(exchange.data.fee_bps) }) : t('market.closed')}
        </p>
      )}
      <Notice text={notice} />
      <form onSubmit={submit} noValidate class="stacked-form" data-testid="fee-form">
        <FormError problem={form.formError} />
        <Field form={form} name="fee_bps" label="desk.fee_percent" inputMode="decimal" hint={t('desk.fee_hint')} required />
        <SubmitButton busy={form.busy} label="desk.fee_save" testid="save-fee" />
      </form>
    </section>
  );
}

function Listing() {
  const { t, perTonne, period } = useI18n();
  const [notice, setNotice] = useState<string | null>(null);
  const instruments = useFetch((signal) => get<Instrument[]>('/instruments', {}, signal), []);
  const batches = useFetch((signal) => getPage<Batch>('/batches', { per_page: 100 }, signal), []);
  const form = useForm({ batch_id: '', tick_satang: '1.00' }, 'listing');
  const submit = form.submit(async (values, key) => {
    setNotice(null);
    const tick = parseBaht(values.tick_satang);
    const errors: Partial<Record<keyof typeof values, { key: MessageKey }>> = {};
    if (!values.batch_id) errors.batch_id = { key: 'error.choose_batch' };
    if (tick === null || tick === 0) errors.tick_satang = { key: 'error.baht' };
    if (Object.keys(errors).length) return form.fail(errors);
    await command('/instruments', { batch_id: Number(values.batch_id), tick_satang: tick }, key);
    form.reset();
    setNotice(t('desk.listed', { batch: values.batch_id }));
    instruments.reload();
  });
  if (instruments.error) return <LoadError error={instruments.error} reload={instruments.reload} />;
  if (batches.error) return <LoadError error={batches.error} reload={batches.reload} />;
  if (!instruments.data || !batches.data) return <Loading />;
  const listed = new Set(instruments.data.map((i) => i.batch_id));
  const open = batches.data.items
    .filter((b) => !listed.has(b.id))
    .map((b) => ({
      value: String(b.id),
      label: t('desk.batch_option', { id: b.id, project: b.project_name, vintage: period(b.vintage_start, b.vintage_end) }),
    }));
  return (
    <section class="card" aria-labelledby="listing-title">
      <h2 id="listing-title">{t('desk.listing_title')}</h2>
      {instruments.data.length === 0 ? (
        <Empty message="market.none" />
      ) : (
        <DataTable
          caption={t('desk.listed_title')}
          rows={instruments.data}
          rowKey={(i) => i.id}
          testid="listed-instruments"
          columns={[
            { label: 'market.instrument', cell: (i) => <Link href={`/market/${i.id}`}>{i.code}</Link> },
            { label: 'desk.batch', cell: (i) => t('batch.title', { id: i.batch_id }) },
            { label: 'desk.tick', cell: (i) => perTonne(i.tick_satang), numeric: true },
          ]}
        />
      )}
      <Notice text={notice} />
      {open.length === 0 ? (
        <p class="empty">{t('desk.all_listed')}</p>
      ) : (
        <form onSubmit={submit} noValidate class="stacked-form" data-testid="listing-form">
          <FormError problem={form.formError} />
          <Field form={form} name="batch_id" label="desk.batch" options={[{ value: '', label: t('desk.choose_batch') }, ...open]} required />
          <Field form={form} name="tick_satang" label="desk.tick_baht" inputMode="decimal" hint={t('desk.tick_hint')} required />
          <SubmitButton busy={form.busy} label="desk.list" testid="list-instrument" />
        </form>
      )}
    </section>
  );
}

export function CashDesk() {
  const { t } = useI18n();
  return (
    <>
      <PageTitle>{t('desk.title')}</PageTitle>
      <p class="lead">{t('desk.lead')}</p>
      <div class="two-columns">
        <BankTransferForm />
        <div>
          <FeeForm />
          <Listing />
        </div>
      </div>
    </>
  );
}
