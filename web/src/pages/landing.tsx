import { useI18n } from '../i18n/i18n';
import { get, getPage } from '../lib/api';
import { shortHash } from '../lib/format';
import type { Retirement, Stats } from '../lib/types';
import { LoadError, Loading, PageTitle } from '../ui/bits';
import { useFetch } from '../ui/fetch';
import { Link } from '../ui/link';

function Figures({ stats }: { stats: Stats }) {
  const { t, tonnes, num } = useI18n();
  const figures: [string, string, string][] = [
    ['issued', t('stats.issued'), tonnes(stats.issued_tco2e)],
    ['retired', t('stats.retired'), tonnes(stats.retired_tco2e)],
    ['buffer', t('stats.buffer'), tonnes(stats.buffer_tco2e)],
    ['projects', t('stats.projects'), t('stats.projects_value', { registered: num(stats.registered_projects), total: num(stats.projects) })],
  ];
  return (
    <ul class="figures" data-testid="figures">
      {figures.map(([id, label, value]) => (
        <li key={id} data-testid={`figure-${id}`}>
          <span class="figure-value">{value}</span>
          <span class="figure-label">{label}</span>
        </li>
      ))}
    </ul>
  );
}

function TreeHeadBox({ stats }: { stats: Stats }) {
  const { t, num, dateTime } = useI18n();
  const head = stats.tree_head;
  if (!head) return <p>{t('stats.no_tree_head')}</p>;
  return (
    <section class="card" aria-labelledby="tree-head-title">
      <h2 id="tree-head-title">{t('stats.tree_head')}</h2>
      <p>{t('stats.tree_head_text', { size: num(head.tree_size), time: dateTime(head.timestamp_ms) })}</p>
      <dl class="facts mono">
        <div>
          <dt>{t('proof.root_hash')}</dt>
          <dd title={head.root_hash}>{shortHash(head.root_hash, 24)}</dd>
        </div>
        <div>
          <dt>{t('proof.public_key')}</dt>
          <dd title={head.public_key}>{shortHash(head.public_key, 24)}</dd>
        </div>
      </dl>
    </section>
  );
}

function LatestRetirements() {
  const { t, tonnes, dateTime } = useI18n();
  const latest = useFetch((signal) => getPage<Retirement>('/retirements', { per_page: 5 }, signal), []);
  if (latest.error) return <LoadError error={latest.error} reload={latest.reload} />;
  if (!latest.data) return <Loading />;
  return (
    <ul class="plain-list">
      {latest.data.items.map((r) => (
        <li key={r.id}>
          <Link href={`/retirements/${r.id}`}>{t('landing.retirement_line', { quantity: tonnes(r.quantity_tco2e), beneficiary: r.beneficiary })}</Link>
          <span class="muted"> · {dateTime(r.retired_at_ms)}</span>
        </li>
      ))}
    </ul>
  );
}

export function Landing() {
  const { t } = useI18n();
  const stats = useFetch((signal) => get<Stats>('/stats', {}, signal), []);
  return (
    <>
      <section class="hero">
        <PageTitle>{t('landing.title')}</PageTitle>
        <p class="lead">{t('landing.lead')}</p>
        <p>{t('landing.city')}</p>
        <div class="actions">
          <Link href="/projects" class="button primary">
            {t('landing.explore')}
          </Link>
          <Link href="/retirements" class="button secondary">
            {t('landing.see_retirements')}
          </Link>
        </div>
      </section>
      <section aria-labelledby="figures-title">
        <h2 id="figures-title">{t('landing.figures')}</h2>
        {stats.error ? <LoadError error={stats.error} reload={stats.reload} /> : !stats.data ? <Loading /> : <Figures stats={stats.data} />}
      </section>
      <div class="two-columns">
        {stats.data && <TreeHeadBox stats={stats.data} />}
        <section class="card" aria-labelledby="latest-title">
          <h2 id="latest-title">{t('landing.latest')}</h2>
          <LatestRetirements />
        </section>
      </div>
      <section aria-labelledby="how-title">
        <h2 id="how-title">{t('landing.how')}</h2>
        <ol class="steps">
          <li>{t('landing.step_project')}</li>
          <li>{t('landing.step_verify')}</li>
          <li>{t('landing.step_issue')}</li>
          <li>{t('landing.step_retire')}</li>
          <li>{t('landing.step_proof')}</li>
        </ol>
      </section>
    </>
  );
}
