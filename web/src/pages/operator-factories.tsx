//! The operator's factory register: every factory the platform measures
//! (filtered by sector, district and words in the name or licence, the
//! synthetic ones labelled), and the form that registers a factory
//! organisation with its licence, sector and district.

import { useState } from 'preact/hooks';
import { useI18n } from '../i18n/i18n';
import { ApiError, command, getPage } from '../lib/api';
import { describeError } from '../lib/errors';
import { navigate, withQuery, type Location } from '../lib/router';
import type { Factory, Organisation, Paged } from '../lib/types';
import { Empty, LoadError, Loading, PageTitle, Pager, pageOf } from '../ui/bits';
import { useFetch } from '../ui/fetch';
import { FilterBar } from '../ui/filters';
import { Field, FormError, SubmitButton, useForm } from '../ui/form';
import { Link } from '../ui/link';
import { DataTable } from '../ui/table';
import { useNamed } from './dashboard';

export const SECTORS = ['chemicals', 'refining', 'plastics', 'power', 'steel', 'automotive', 'food', 'other'] as const;
export const DISTRICTS = [
  'Mueang Rayong',
  'Ban Chang',
  'Klaeng',
  'Wang Chan',
  'Ban Khai',
  'Pluak Daeng',
  'Khao Chamao',
  'Nikhom Phatthana',
] as const;

const LIST_ROWS = 20;
/// Pages of 100 read to find the factory organisations not yet registered:
/// 10,000 of each, above the full demo's 2,532 synthetic factories.
const PAGES_MAX = 100;

/// Factory organisations without a factory profile, by name.
export function unregisteredFactories(organisations: Organisation[], registered: Iterable<number>): Organisation[] {
  const taken = new Set(registered);
  return organisations
    .filter((o) => o.role === 'factory' && !taken.has(o.id))
    .sort((a, b) => a.name.localeCompare(b.name) || a.id - b.id);
}

async function everyPage<T>(path: string, query: Record<string, string>, signal: AbortSignal): Promise<T[]> {
  const first = await getPage<T>(path, { ...query, page: 1, per_page: 100 }, signal);
  const pages = Math.min(PAGES_MAX, Math.ceil(first.total / 100));
  const rest = await Promise.all(
    Array.from({ length: Math.max(0, pages - 1) }, (_, i) => getPage<T>(path, { ...query, page: i + 2, per_page: 100 }, signal)),
  );
  return [first, ...rest].flatMap((page: Paged<T>) => page.items);
}

/// The candidates: when there are as many factories as factory
/// organisations, none, without reading either list.
async function candidates(signal: AbortSignal): Promise<Organisation[]> {
  const [orgs, factories] = await Promise.all([
    getPage<Organisation>('/organisations', { role: 'factory', per_page: 1 }, signal),
    getPage<Factory>('/factories', { per_page: 1 }, signal),
  ]);
  if (orgs.total <= factories.total) return [];
  const [allOrgs, allFactories] = await Promise.all([
    everyPage<Organisation>('/organisations', { role: 'factory' }, signal),
    everyPage<Factory>('/factories', {}, signal),
  ]);
  return unregisteredFactories(
    allOrgs,
    allFactories.map((f) => f.org_id),
  );
}

function RegisterFactory({ location, done }: { location: Location; done: () => void }) {
  const { t } = useI18n();
  const named = useNamed();
  const [notice, setNotice] = useState<string | null>(null);
  const open = useFetch((signal) => candidates(signal), []);
  const form = useForm({ org_id: '', licence: '', sector: 'chemicals', district: 'Mueang Rayong', publish: '' }, 'factory');
  const submit = form.submit(async (values, key) => {
    setNotice(null);
    const org = open.data?.find((o) => String(o.id) === values.org_id);
    if (!org) return form.fail({ org_id: { key: 'error.choose_organisation' } });
    if (!values.licence.trim()) return form.fail({ licence: { key: 'error.required' } });
    const body = {
      org_id: org.id,
      licence: values.licence.trim(),
      sector: values.sector,
      district: values.district,
      publish: values.publish === 'yes',
    };
    try {
      await command('/factories', body, key);
    } catch (error) {
      // The register names a licence held by another factory without a
      // field; it belongs beside the licence all the same.
      if (error instanceof ApiError && !error.field && /licence/.test(error.message)) {
        return form.fail({ licence: describeError(error) });
      }
      throw error;
    }
    form.reset();
    setNotice(t('factories.registered', { name: org.name }));
    open.reload();
    done();
    // Show the new factory in the list, whatever page it falls on.
    navigate(withQuery(location.path, location.query, { q: values.licence.trim(), sector: null, district: null, page: null }));
  });
  const organisations = [
    { value: '', label: t('factories.choose') },
    ...(open.data ?? []).map((o) => ({ value: String(o.id), label: t('factories.organisation_option', { name: o.name, id: o.id }) })),
  ];
  return (
    <section class="card" aria-labelledby="register-factory">
      <h2 id="register-factory">{t('factories.new')}</h2>
      {notice && (
        <p class="notice" role="status" data-testid="notice">
          {notice}
        </p>
      )}
      {open.error ? (
        <LoadError error={open.error} reload={open.reload} />
      ) : !open.data ? (
        <Loading />
      ) : open.data.length === 0 && !form.values.org_id ? (
        <p class="empty" data-testid="no-candidates">
          {t('factories.no_candidates')} <Link href="/operator/organisations">{t('factories.add_organisation')}</Link>
        </p>
      ) : (
        <form onSubmit={submit} noValidate class="stacked-form" data-testid="factory-form">
          <FormError problem={form.formError} />
          <Field form={form} name="org_id" label="factories.organisation" options={organisations} hint={t('factories.organisation_hint')} required />
          <Field form={form} name="licence" label="factories.licence" hint={t('factories.licence_hint')} required />
          <Field form={form} name="sector" label="factories.sector" options={SECTORS.map((s) => ({ value: s, label: named('sector', s) }))} />
          <Field form={form} name="district" label="factories.district" options={DISTRICTS.map((d) => ({ value: d, label: named('district', d) }))} />
          <div class="check-field">
            <input
              type="checkbox"
              id="factory-publish"
              name="publish"
              checked={form.values.publish === 'yes'}
              onChange={(event) => form.set('publish', (event.currentTarget as HTMLInputElement).checked ? 'yes' : '')}
              aria-describedby="factory-publish-hint"
            />
            <div>
              <label for="factory-publish">{t('factories.publish')}</label>
              <p class="hint" id="factory-publish-hint">
                {t('factories.publish_hint')}
              </p>
            </div>
          </div>
          <SubmitButton busy={form.busy} label="factories.register" testid="register-factory" />
        </form>
      )}
    </section>
  );
}

function FactoryList({ location, generation }: { location: Location; generation: number }) {
  const { t, year } = useI18n();
  const named = useNamed();
  const page = pageOf(location);
  const query = {
    sector: location.query.get('sector') ?? undefined,
    district: location.query.get('district') ?? undefined,
    q: location.query.get('q') ?? undefined,
  };
  const list = useFetch(
    (signal) => getPage<Factory>('/factories', { ...query, page, per_page: LIST_ROWS }, signal),
    [JSON.stringify(query), page, generation],
  );
  if (list.error) return <LoadError error={list.error} reload={list.reload} />;
  if (!list.data) return <Loading />;
  if (list.data.total === 0) return <Empty message="factories.none" />;
  const years = (f: Factory) =>
    f.years.length === 0
      ? '—'
      : f.years.length === 1
        ? year(f.years[0])
        : t('factories.years_range', { first: year(f.years[0]), last: year(f.years[f.years.length - 1]) });
  return (
    <>
      <DataTable
        caption={t('factories.list')}
        rows={list.data.items}
        rowKey={(f) => f.org_id}
        testid="factory-table"
        columns={[
          {
            label: 'factories.name',
            cell: (f) => (
              <>
                {f.name}
                {f.synthetic && <span class="badge synthetic">{t('dashboard.synthetic_label')}</span>}
              </>
            ),
          },
          { label: 'factories.licence', cell: (f) => f.licence },
          { label: 'factories.sector', cell: (f) => named('sector', f.sector) },
          { label: 'factories.district', cell: (f) => named('district', f.district) },
          { label: 'factories.published', cell: (f) => t(f.publish ? 'factories.yes' : 'factories.no') },
          { label: 'factories.years', cell: years },
        ]}
      />
      <Pager location={location} page={list.data.page} total={list.data.total} perPage={list.data.per_page} />
    </>
  );
}

export function OperatorFactories({ location }: { location: Location }) {
  const { t } = useI18n();
  const named = useNamed();
  const [generation, setGeneration] = useState(0);
  return (
    <>
      <PageTitle>{t('factories.title')}</PageTitle>
      <p class="lead">{t('factories.lead')}</p>
      <div class="two-columns wide-first">
        <div>
          <FilterBar
            location={location}
            label="factories.filter"
            fields={[
              { name: 'sector', label: 'factories.sector', options: SECTORS.map((s) => ({ value: s, label: named('sector', s) })) },
              { name: 'district', label: 'factories.district', options: DISTRICTS.map((d) => ({ value: d, label: named('district', d) })) },
              { name: 'q', label: 'factories.words' },
            ]}
          />
          <FactoryList location={location} generation={generation} />
        </div>
        <RegisterFactory location={location} done={() => setGeneration((n) => n + 1)} />
      </div>
    </>
  );
}
