//! A factory's own greenhouse-gas inventory: a year's totals by scope, gas
//! and source, every activity line with the factors it used, the credits
//! retired against the year and the net; and the import of a year's
//! activity data as CSV, with every bad line named beside the text.

import { useState } from 'preact/hooks';
import { useI18n, type MessageKey } from '../i18n/i18n';
import { ApiError, API_BASE, command, get } from '../lib/api';
import { parseWholeNumber } from '../lib/format';
import { navigate, withQuery, type Location } from '../lib/router';
import { memberOrg } from '../lib/session';
import type { CsvProblem, Factory, FactoryInventory, Paged, User } from '../lib/types';
import { Empty, Facts, LoadError, Loading, PageTitle } from '../ui/bits';
import { useFetch } from '../ui/fetch';
import { Field, FormError, ProblemText, SubmitButton, useForm } from '../ui/form';
import { DataTable } from '../ui/table';
import { useNamed } from './dashboard';
import { ReductionsSection, TargetSection } from './factory-plans';
import { Link } from '../ui/link';

const SAMPLE = 'month,activity,quantity,unit\n';

function Totals({ title, values, label, testid }: { title: MessageKey; values: Record<string, number>; label: (key: string) => string; testid: string }) {
  const { t, tonnes } = useI18n();
  const rows = Object.entries(values).sort((a, b) => b[1] - a[1]);
  return (
    <section class="card" aria-labelledby={`${testid}-title`}>
      <h3 id={`${testid}-title`}>{t(title)}</h3>
      <DataTable
        caption={t(title)}
        rows={rows}
        rowKey={([key]) => key}
        testid={testid}
        columns={[
          { label: 'factory.item', cell: ([key]) => label(key) },
          { label: 'factory.emissions', cell: ([, value]) => tonnes(value), numeric: true },
        ]}
      />
    </section>
  );
}

function Inventory({ data }: { data: FactoryInventory }) {
  const { t, tonnes, num } = useI18n();
  const inv = data.inventory;
  const csv = `${API_BASE}/factories/${data.factory.org_id}/inventories/${data.year}/report.csv`;
  return (
    <section aria-labelledby="inventory-title" data-testid="inventory">
      <h2 id="inventory-title">{t('factory.inventory_title', { year: data.year })}</h2>
      <ul class="figures" data-testid="inventory-figures">
        <li data-testid="figure-total">
          <span class="figure-value">{tonnes(inv.total_tco2e)}</span>
          <span class="figure-label">{t('factory.total')}</span>
        </li>
        <li data-testid="figure-retired">
          <span class="figure-value">{tonnes(data.retired_tco2e)}</span>
          <span class="figure-label">{t('factory.retired')}</span>
        </li>
        <li data-testid="figure-net">
          <span class="figure-value">{tonnes(data.net_tco2e)}</span>
          <span class="figure-label">{t('factory.net')}</span>
        </li>
      </ul>
      <Facts
        items={[
          ['factory.gwp_set', inv.options.gwp_set],
          ['factory.combustion', inv.options.combustion],
          ['factory.line_count', num(inv.lines.length)],
        ]}
      />
      <p>
        <Link href={`/factories/${data.factory.org_id}/report/${data.year}`} class="button primary">
          {t('factory.printable')}
        </Link>{' '}
        <a class="button secondary" href={csv} download data-testid="report-csv">
          {t('factory.download')}
        </a>
      </p>
      <div class="three-columns">
        <Totals title="factory.by_scope" values={inv.by_scope} label={(k) => t('factory.scope', { scope: k })} testid="by-scope" />
        <Totals title="factory.by_gas" values={inv.by_gas} label={(k) => k} testid="by-gas" />
        <Totals title="factory.by_source" values={inv.by_source} label={(k) => k} testid="by-source" />
      </div>
      {/* A long year folds away, so a phone need not scroll past every month to the import. */}
      <details class="lines" open={inv.lines.length <= 12}>
        <summary>{t('factory.lines_count', { count: num(inv.lines.length) })}</summary>
        <DataTable
          caption={t('factory.lines')}
          rows={inv.lines}
          rowKey={(l) => l.line}
          testid="line-table"
          columns={[
            { label: 'factory.line', cell: (l) => num(l.line), numeric: true },
            { label: 'factory.month', cell: (l) => l.month },
            { label: 'factory.scope_column', cell: (l) => num(l.scope), numeric: true },
            { label: 'factory.source', cell: (l) => l.source },
            { label: 'factory.gas', cell: (l) => l.gas },
            { label: 'factory.quantity', cell: (l) => `${num(Number(l.quantity))} ${l.unit}`, numeric: true },
            { label: 'factory.emissions', cell: (l) => tonnes(l.emissions_tco2e), numeric: true },
            {
              label: 'factory.factors',
              cell: (l) => <span class="mono small">{l.factors.map((f) => `${f.id}@${f.version}`).join(', ')}</span>,
            },
          ]}
        />
      </details>
    </section>
  );
}

function ImportForm({ factory, year, done }: { factory: number; year: string; done: (year: number, lines: number) => void }) {
  const { t } = useI18n();
  const form = useForm({ year, csv: SAMPLE }, 'import');
  const [problems, setProblems] = useState<CsvProblem[]>([]);
  const submit = form.submit(async (values, key) => {
    setProblems([]);
    const chosen = parseWholeNumber(values.year);
    if (chosen === null) return form.fail({ year: { key: 'error.whole_number' } });
    const body = { gwp_set: 'AR6', combustion: 'tgo_combined', csv: values.csv };
    try {
      await command(`/factories/${factory}/years/${chosen}`, body, key, 'PUT');
    } catch (error) {
      if (error instanceof ApiError && Array.isArray(error.details.lines)) setProblems(error.details.lines as CsvProblem[]);
      throw error;
    }
    const lines = values.csv.split('\n').filter((l) => l.trim()).length - 1;
    done(chosen, Math.max(0, lines));
  });
  const readFile = async (event: Event) => {
    const file = (event.currentTarget as HTMLInputElement).files?.[0];
    if (file) form.set('csv', await file.text());
  };
  const error = form.errors.csv;
  const describedBy = ['import-csv-hint', error || problems.length ? 'import-csv-error' : ''].filter(Boolean).join(' ');
  return (
    <section class="card" aria-labelledby="import-title">
      <h2 id="import-title">{t('factory.import_title')}</h2>
      <p>{t('factory.import_text')}</p>
      <form onSubmit={submit} noValidate class="stacked-form" data-testid="import-form">
        <FormError problem={form.formError} />
        <Field form={form} name="year" label="factory.year_ce" inputMode="numeric" required />
        <div class="field">
          <label for="import-file">{t('factory.file')}</label>
          <input id="import-file" type="file" accept=".csv,text/csv" onChange={readFile} />
        </div>
        <div class={`field${error || problems.length ? ' has-error' : ''}`}>
          <label for="import-csv">
            {t('factory.csv')}
            <span class="required" aria-hidden="true"> *</span>
          </label>
          <p class="hint" id="import-csv-hint">
            {t('factory.csv_hint')}
          </p>
          <div class="csv-editor">
            <textarea
              id="import-csv"
              name="csv"
              rows={10}
              spellcheck={false}
              class="mono"
              value={form.values.csv}
              aria-required="true"
              aria-invalid={error || problems.length ? 'true' : undefined}
              aria-describedby={describedBy}
              onInput={(event) => form.set('csv', (event.currentTarget as HTMLTextAreaElement).value)}
            />
            {(error || problems.length > 0) && (
              <div class="field-error csv-problems" id="import-csv-error" data-testid="csv-problems">
                <p>{problems.length ? t('factory.problems', { count: problems.length }) : error && <ProblemText problem={error} />}</p>
                {problems.length > 0 && (
                  <ul>
                    {problems.map((p) => (
                      <li key={`${p.line}-${p.column}`}>
                        <strong>{p.column ? t('factory.bad_line', { line: p.line, column: p.column }) : t('factory.bad_line_only', { line: p.line })}</strong>{' '}
                        <span lang="en">{p.message}</span>
                      </li>
                    ))}
                  </ul>
                )}
              </div>
            )}
          </div>
        </div>
        <SubmitButton busy={form.busy} label="factory.import_button" testid="import" />
      </form>
    </section>
  );
}

export function FactoryPage({ user, location }: { user: User; location: Location }) {
  const { t } = useI18n();
  const named = useNamed();
  const [notice, setNotice] = useState<string | null>(null);
  const factory = useFetch(
    (signal) =>
      get<Paged<Factory>>('/factories', { q: user.org_name, per_page: 50 }, signal).then(
        (page) => page.items.find((f) => f.org_id === user.org_id) ?? null,
      ),
    [user.org_id],
  );
  const years = factory.data?.years ?? [];
  const asked = Number(location.query.get('year'));
  const year = years.includes(asked) ? asked : years[years.length - 1];
  const inventory = useFetch(
    (signal) =>
      year ? get<FactoryInventory>(`/factories/${user.org_id}/inventories/${year}`, {}, signal) : Promise.resolve(undefined),
    [user.org_id, year],
  );
  if (factory.error) return <LoadError error={factory.error} reload={factory.reload} />;
  if (factory.loading && !factory.data) return <Loading />;
  const f = factory.data;
  const done = (chosen: number, lines: number) => {
    setNotice(t('factory.imported', { year: chosen, lines }));
    navigate(withQuery(location.path, location.query, { year: chosen }));
    factory.reload();
    inventory.reload();
  };
  const choose = (event: Event) =>
    navigate(withQuery(location.path, location.query, { year: (event.currentTarget as HTMLSelectElement).value }));
  return (
    <>
      <PageTitle>{t('factory.title')}</PageTitle>
      {f && (
        <p class="lead">
          {t('factory.lead', { name: f.name, licence: f.licence, sector: named('sector', f.sector), district: named('district', f.district) })}
        </p>
      )}
      {notice && (
        <p class="notice" role="status" data-testid="notice">
          {notice}
        </p>
      )}
      {years.length > 0 ? (
        <div class="field year-picker">
          <label for="inventory-year">{t('factory.choose_year')}</label>
          <select id="inventory-year" value={String(year)} onChange={choose} data-testid="year-select">
            {years.map((y) => (
              <option key={y} value={String(y)}>
                {y}
              </option>
            ))}
          </select>
        </div>
      ) : (
        <Empty message="factory.no_years" />
      )}
      {inventory.error ? (
        <LoadError error={inventory.error} reload={inventory.reload} />
      ) : inventory.data && inventory.data.year === year ? (
        <Inventory data={inventory.data} />
      ) : year ? (
        <Loading />
      ) : null}
      <ImportForm factory={memberOrg(user)} year={String(year ?? new Date().getFullYear() - 1)} done={done} />
      {f && <TargetSection org={memberOrg(user)} years={years} />}
      {f && <ReductionsSection org={memberOrg(user)} />}
    </>
  );
}
