//! The public dashboard: Rayong's factories' emissions by year against the
//! Race to Zero path, by sector and district, credits issued against
//! retired, and the largest emitters.

import { useI18n } from '../i18n/i18n';
import { messages, type MessageKey } from '../i18n/messages';
import { get } from '../lib/api';
import type { ByYear, Dashboard } from '../lib/types';
import { Facts, LoadError, Loading, PageTitle } from '../ui/bits';
import { BarList, ChartFigure, ColumnChart, Legend } from '../ui/charts';
import { useFetch } from '../ui/fetch';
import { DataTable } from '../ui/table';

/// A name from the server in the user's language when the catalogue has
/// it (sectors, districts), else as the server wrote it.
export function useNamed() {
  const { t } = useI18n();
  return (prefix: 'sector' | 'district', name: string) => {
    const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '_');
    const key = prefix === 'sector' ? `sector.${slug}` : `district.${slug}`;
    return key in messages ? t(key as MessageKey) : name;
  };
}

const yearsOf = (...series: ByYear[]) =>
  [...new Set(series.flatMap((s) => Object.keys(s)))].sort((a, b) => Number(a) - Number(b));

function EmissionsChart({ data }: { data: Dashboard }) {
  const { t, num, tonnes } = useI18n();
  const r2z = data.race_to_zero;
  const years = yearsOf(data.total_tco2e_by_year, r2z.trajectory);
  const measured = yearsOf(data.total_tco2e_by_year);
  const cell = (v: number | undefined) => (v === undefined ? '—' : tonnes(Math.round(v)));
  const table = (
    <table class="data-table compact">
      <caption class="visually-hidden">{t('dashboard.emissions_title')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('dashboard.year')}</th>
          <th scope="col" class="num">{t('dashboard.scope1')}</th>
          <th scope="col" class="num">{t('dashboard.scope2')}</th>
          <th scope="col" class="num">{t('dashboard.total')}</th>
          <th scope="col" class="num">{t('dashboard.trajectory')}</th>
        </tr>
      </thead>
      <tbody>
        {years
          .filter((y) => y in data.total_tco2e_by_year || Number(y) % 5 === 0 || Number(y) === r2z.net_zero_year)
          .map((y) => (
            <tr key={y}>
              <th scope="row">{y}</th>
              <td class="num">{cell(data.scope1_tco2e_by_year[y])}</td>
              <td class="num">{cell(data.scope2_tco2e_by_year[y])}</td>
              <td class="num">{cell(data.total_tco2e_by_year[y])}</td>
              <td class="num">{cell(r2z.trajectory[y])}</td>
            </tr>
          ))}
      </tbody>
    </table>
  );
  const last = measured[measured.length - 1];
  const summary = last
    ? t('dashboard.emissions_summary', {
        first: measured[0],
        first_value: tonnes(Math.round(data.total_tco2e_by_year[measured[0]])),
        last,
        last_value: tonnes(Math.round(data.total_tco2e_by_year[last])),
        neutral: r2z.carbon_neutral_year,
        net_zero: r2z.net_zero_year,
      })
    : t('dashboard.no_data');
  const legend = [
    { key: 'total', label: t('dashboard.total'), tone: 'brand' },
    { key: 'trajectory', label: t('dashboard.trajectory'), tone: 'accent', line: true },
  ];
  return (
    <ChartFigure id="chart-emissions" title="dashboard.emissions_title" summary={summary} table={table} testid="chart-total">
      {(width) => (
        <>
          <Legend items={legend} />
          <ColumnChart
            width={width}
            label={summary}
            categories={years}
            bars={[{ key: 'total', label: t('dashboard.total'), tone: 'brand', values: data.total_tco2e_by_year }]}
            line={{ key: 'trajectory', label: t('dashboard.trajectory'), tone: 'accent', values: r2z.trajectory }}
            markers={[
              { at: String(r2z.carbon_neutral_year), label: t('dashboard.neutral_mark', { year: r2z.carbon_neutral_year }) },
              { at: String(r2z.net_zero_year), label: t('dashboard.net_zero_mark', { year: r2z.net_zero_year }) },
            ]}
            tickEvery={(c, i) => i === 0 || (Number(c) % (width < 500 ? 10 : 5) === 0 && Number(c) - Number(years[0]) >= 4)}
          />
          <p class="hint">{t('dashboard.base', { year: r2z.base_year, value: num(Math.round(r2z.base_tco2e)) })}</p>
        </>
      )}
    </ChartFigure>
  );
}

function Breakdown(props: { id: string; title: MessageKey; column: MessageKey; data: Record<string, ByYear>; year: string; kind: 'sector' | 'district'; testid: string }) {
  const { t, tonnes } = useI18n();
  const named = useNamed();
  const rows = Object.entries(props.data)
    .map(([key, values]) => ({ key, label: named(props.kind, key), value: values[props.year] ?? 0 }))
    .filter((r) => r.value > 0)
    .sort((a, b) => b.value - a.value);
  const top = rows[0];
  const summary = top
    ? t('dashboard.breakdown_summary', { year: props.year, name: top.label, value: tonnes(Math.round(top.value)) })
    : t('dashboard.no_data');
  const table = (
    <DataTable
      caption={t(props.title)}
      rows={rows}
      rowKey={(r) => r.key}
      columns={[
        { label: props.column, cell: (r) => r.label },
        { label: 'dashboard.emissions', cell: (r) => tonnes(Math.round(r.value)), numeric: true },
      ]}
    />
  );
  return (
    <ChartFigure id={props.id} title={props.title} summary={summary} table={table} testid={props.testid}>
      {(width) => <BarList width={width} label={summary} rows={rows} />}
    </ChartFigure>
  );
}

function CreditsChart({ data }: { data: Dashboard }) {
  const { t, tonnes } = useI18n();
  const years = yearsOf(data.issued_tco2e_by_vintage, data.removals_tco2e_by_vintage, data.retired_tco2e_by_inventory_year);
  const series = [
    { key: 'issued', label: t('dashboard.issued'), tone: 'brand', values: data.issued_tco2e_by_vintage },
    { key: 'removals', label: t('dashboard.removals'), tone: 'info', values: data.removals_tco2e_by_vintage },
    { key: 'retired', label: t('dashboard.retired'), tone: 'accent', values: data.retired_tco2e_by_inventory_year },
  ];
  const total = (values: ByYear) => Object.values(values).reduce((a, b) => a + b, 0);
  const summary = t('dashboard.credits_summary', {
    issued: tonnes(Math.round(total(data.issued_tco2e_by_vintage))),
    retired: tonnes(Math.round(total(data.retired_tco2e_by_inventory_year))),
  });
  const table = (
    <DataTable
      caption={t('dashboard.credits_title')}
      rows={years}
      rowKey={(y) => y}
      columns={[
        { label: 'dashboard.year', cell: (y) => y },
        ...series.map((s) => ({
          label: `dashboard.${s.key}` as MessageKey,
          cell: (y: string) => tonnes(Math.round(s.values[y] ?? 0)),
          numeric: true,
        })),
      ]}
    />
  );
  return (
    <ChartFigure id="chart-credits" title="dashboard.credits_title" summary={summary} table={table} testid="chart-credits">
      {(width) => (
        <>
          <Legend items={series} />
          <ColumnChart width={width} label={summary} categories={years} bars={series} />
        </>
      )}
    </ChartFigure>
  );
}

function TopEmitters({ data }: { data: Dashboard }) {
  const { t, tonnes } = useI18n();
  const named = useNamed();
  return (
    <section aria-labelledby="top-title">
      <h2 id="top-title">{t('dashboard.top_title', { year: data.top_emitters_year ?? '' })}</h2>
      <DataTable
        caption={t('dashboard.top_title', { year: data.top_emitters_year ?? '' })}
        rows={data.top_emitters.map((row, index) => ({ ...row, rank: index + 1 }))}
        rowKey={(row) => row.org_id}
        testid="top-emitters"
        columns={[
          { label: 'dashboard.rank', cell: (row) => row.rank, numeric: true },
          { label: 'dashboard.factory', cell: (row) => row.name },
          { label: 'dashboard.sector', cell: (row) => named('sector', row.sector) },
          { label: 'dashboard.emissions', cell: (row) => tonnes(Math.round(row.tco2e)), numeric: true },
        ]}
      />
    </section>
  );
}

export function DashboardPage() {
  const { t, num } = useI18n();
  const dashboard = useFetch((signal) => get<Dashboard>('/dashboard', {}, signal), []);
  if (dashboard.error) return <LoadError error={dashboard.error} reload={dashboard.reload} />;
  const data = dashboard.data;
  if (!data) return <Loading />;
  const years = yearsOf(data.total_tco2e_by_year);
  const latest = years[years.length - 1] ?? '';
  return (
    <>
      <PageTitle>{t('dashboard.title')}</PageTitle>
      <p class="lead">{t('dashboard.lead')}</p>
      {data.synthetic_factories > 0 && (
        <p class="note synthetic" data-testid="synthetic-label">
          <strong>{t('dashboard.synthetic_label')}</strong>{' '}
          {t('dashboard.synthetic_text', { synthetic: num(data.synthetic_factories), factories: num(data.factories) })}
        </p>
      )}
      <Facts
        items={[
          ['dashboard.factories', num(data.factories)],
          ['dashboard.inventories', num(data.inventories)],
          ['dashboard.activity_lines', num(data.activity_lines)],
          ['dashboard.journal_size', num(data.journal_size)],
        ]}
      />
      <EmissionsChart data={data} />
      <div class="two-columns">
        <Breakdown
          id="chart-sector"
          title="dashboard.sector_title"
          column="dashboard.sector"
          data={data.by_sector}
          year={latest}
          kind="sector"
          testid="chart-sector"
        />
        <Breakdown
          id="chart-district"
          title="dashboard.district_title"
          column="dashboard.district"
          data={data.by_district}
          year={latest}
          kind="district"
          testid="chart-district"
        />
      </div>
      <CreditsChart data={data} />
      <TopEmitters data={data} />
    </>
  );
}
