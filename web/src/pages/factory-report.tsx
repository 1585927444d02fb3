//! A factory's inventory report for one year, laid out to print: the
//! organisational boundary, the scopes covered, the base year and target,
//! the factors used with their sources, the results by scope, gas and
//! source, the credits retired against the year and the net.

import { useI18n } from '../i18n/i18n';
import { API_BASE, get, getPage } from '../lib/api';
import type { FactoryInventory, FactoryProgress, Retirement } from '../lib/types';
import { Facts, LoadError, Loading, PageTitle } from '../ui/bits';
import { useFetch } from '../ui/fetch';
import { DataTable } from '../ui/table';
import { Link } from '../ui/link';
import { useNamed } from './dashboard';

function Breakdown({ title, values, label }: { title: string; values: Record<string, number>; label: (key: string) => string }) {
  const { tonnes } = useI18n();
  const rows = Object.entries(values).sort((a, b) => b[1] - a[1]);
  return (
    <div>
      <h3>{title}</h3>
      <DataTable
      caption={title}
      rows={rows}
      rowKey={([key]) => key}
      columns={[
        { label: 'factory.item', cell: ([key]) => label(key) },
        { label: 'factory.emissions', cell: ([, value]) => tonnes(value), numeric: true },
      ]}
      />
    </div>
  );
}

function Report({ data, progress, offsets }: { data: FactoryInventory; progress: FactoryProgress; offsets: Retirement[] }) {
  const { t, tonnes, num, percentBps, dateTime } = useI18n();
  const named = useNamed();
  const f = data.factory;
  const inv = data.inventory;
  const target = progress.target;
  const thisYear = progress.years.find((y) => y.year === data.year);
  return (
    <article class="printable-report" data-testid="inventory-report">
      <header>
        <PageTitle>{t('report_page.title', { year: data.year })}</PageTitle>
        <p class="lead">{f.name}</p>
        {f.synthetic && <p class="badge synthetic">{t('dashboard.synthetic_label')}</p>}
      </header>
      <section aria-labelledby="boundary-title">
        <h2 id="boundary-title">{t('report_page.boundary')}</h2>
        <Facts
          items={[
            ['report_page.organisation', f.name],
            ['report_page.licence', f.licence],
            ['report_page.sector', named('sector', f.sector)],
            ['report_page.district', named('district', f.district)],
            ['report_page.approach', t('report_page.approach_text')],
            ['report_page.scopes', t('report_page.scopes_text')],
            ['factory.gwp_set', inv.options.gwp_set],
            ['factory.combustion', inv.options.combustion],
          ]}
        />
      </section>
      <section aria-labelledby="results-title">
        <h2 id="results-title">{t('report_page.results')}</h2>
        <ul class="figures" data-testid="report-figures">
          <li>
            <span class="figure-value" data-testid="report-total">{tonnes(inv.total_tco2e)}</span>
            <span class="figure-label">{t('factory.total')}</span>
          </li>
          <li>
            <span class="figure-value">{tonnes(data.retired_tco2e)}</span>
            <span class="figure-label">{t('factory.retired')}</span>
          </li>
          <li>
            <span class="figure-value" data-testid="report-net">{tonnes(data.net_tco2e)}</span>
            <span class="figure-label">{t('factory.net')}</span>
          </li>
        </ul>
        <div class="three-columns">
          <Breakdown title={t('factory.by_scope')} values={inv.by_scope} label={(k) => t('factory.scope', { scope: k })} />
          <Breakdown title={t('factory.by_gas')} values={inv.by_gas} label={(k) => k} />
          <Breakdown title={t('factory.by_source')} values={inv.by_source} label={(k) => k} />
        </div>
      </section>
      <section aria-labelledby="target-report-title">
        <h2 id="target-report-title">{t('report_page.target')}</h2>
        {target ? (
          <Facts
            items={[
              ['target.base_year', target.base_year],
              ['report_page.target_text', t('report_page.target_value', { share: percentBps(target.reduction), year: target.target_year })],
              ['target.net_zero_year', target.net_zero_year],
              ['target.allowed', thisYear?.progress ? tonnes(thisYear.progress.allowed_tco2e) : '—'],
              ['target.status', thisYear?.progress ? t(thisYear.progress.on_track ? 'target.status_on' : 'target.status_off') : '—'],
            ]}
          />
        ) : (
          <p>{t('target.no_target')}</p>
        )}
      </section>
      <section aria-labelledby="factors-title">
        <h2 id="factors-title">{t('report_page.factors')}</h2>
        <DataTable
          caption={t('report_page.factors')}
          rows={data.factors_used}
          rowKey={(f) => `${f.id}@${f.version}`}
          testid="factors-used"
          columns={[
            { label: 'report_page.factor', cell: (f) => <span class="mono small">{`${f.id}@${f.version}`}</span> },
            { label: 'report_page.activity', cell: (f) => `${f.activity} (${f.gas})` },
            { label: 'report_page.value', cell: (f) => `${f.value} ${f.value_unit}`, numeric: true },
            { label: 'report_page.source', cell: (f) => <span lang="en">{f.source}</span> },
          ]}
        />
      </section>
      <section aria-labelledby="offsets-title">
        <h2 id="offsets-title">{t('report_page.offsets')}</h2>
        {offsets.length === 0 ? (
          <p>{t('report_page.no_offsets')}</p>
        ) : (
          <DataTable
            caption={t('report_page.offsets')}
            rows={offsets}
            rowKey={(r) => r.id}
            testid="offsets"
            columns={[
              { label: 'report_page.certificate', cell: (r) => <Link href={`/retirements/${r.id}`}>{num(r.id)}</Link> },
              { label: 'report_page.project', cell: (r) => r.project_name },
              { label: 'report_page.serials', cell: (r) => <span class="mono small">{r.serials.join(', ')}</span> },
              { label: 'report_page.retired_on', cell: (r) => dateTime(r.retired_at_ms) },
              { label: 'factory.emissions', cell: (r) => tonnes(r.quantity_tco2e), numeric: true },
            ]}
          />
        )}
      </section>
      <p class="no-print">
        <button type="button" class="button primary" onClick={() => window.print()} data-testid="print">
          {t('report_page.print')}
        </button>{' '}
        <a class="button secondary" href={`${API_BASE}/factories/${f.org_id}/inventories/${data.year}/report.csv`} download>
          {t('factory.download')}
        </a>
      </p>
    </article>
  );
}

export function FactoryReportPage({ org, year }: { org: number; year: number }) {
  const inventory = useFetch((signal) => get<FactoryInventory>(`/factories/${org}/inventories/${year}`, {}, signal), [org, year]);
  const progress = useFetch((signal) => get<FactoryProgress>(`/factories/${org}/progress`, {}, signal), [org]);
  const account = inventory.data?.factory.account_id;
  const offsets = useFetch(
    async (signal) =>
      account === undefined
        ? undefined
        : (await getPage<Retirement>('/retirements', { account, inventory_year: year, per_page: 100 }, signal)).items,
    [account, year],
  );
  const error = inventory.error ?? progress.error ?? offsets.error;
  if (error) return <LoadError error={error} />;
  if (!inventory.data || !progress.data || !offsets.data) return <Loading />;
  return <Report data={inventory.data} progress={progress.data} offsets={offsets.data} />;
}
