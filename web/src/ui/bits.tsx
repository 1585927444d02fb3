//! Small shared pieces: loading and error states, status badges, pagers,
//! headings that take focus on navigation.

import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { useI18n, type MessageKey } from '../i18n/i18n';
import { describeError } from '../lib/errors';
import { hasNavigatedInPage, withQuery, type Location } from '../lib/router';
import type { ProjectStatus, ReportStatus } from '../lib/types';
import { ProblemText } from './form';
import { Link } from './link';

export function Loading() {
  const { t } = useI18n();
  return (
    <p class="loading" role="status">
      {t('common.loading')}
    </p>
  );
}

export function LoadError({ error, reload }: { error: unknown; reload?: () => void }) {
  const { t } = useI18n();
  return (
    <div class="form-error" role="alert">
      <p>
        <ProblemText problem={describeError(error)} />
      </p>
      {reload && (
        <button type="button" class="button secondary" onClick={reload}>
          {t('common.retry')}
        </button>
      )}
    </div>
  );
}

/// The page's main heading. It takes focus after client-side navigation so
/// that keyboard and screen-reader users land where a page load would put them.
export function PageTitle({ children }: { children: ComponentChildren }) {
  const { t } = useI18n();
  const ref = useRef<HTMLHeadingElement>(null);
  // The tab's title names the page too, as screen readers announce it first.
  useEffect(() => {
    const text = ref.current?.textContent?.trim();
    document.title = text ? `${text} · ${t('app.name')}` : t('app.title');
  });
  useEffect(() => {
    if (!hasNavigatedInPage()) return;
    if (document.activeElement && document.activeElement !== document.body) {
      const inMain = document.getElementById('main')?.contains(document.activeElement);
      if (inMain) return;
    }
    ref.current?.focus({ preventScroll: true });
  }, []);
  return (
    <h1 tabIndex={-1} ref={ref}>
      {children}
    </h1>
  );
}

const STATUS_TONE: Record<string, string> = {
  draft: 'neutral',
  submitted: 'info',
  changes_requested: 'warn',
  validated: 'info',
  registered: 'good',
  rejected: 'bad',
  verified: 'info',
  issued: 'good',
  active: 'good',
  held: 'warn',
  retired: 'neutral',
  cancelled: 'bad',
};

export function ProjectStatusBadge({ status }: { status: ProjectStatus }) {
  const { t } = useI18n();
  return <span class={`badge ${STATUS_TONE[status]}`}>{t(`project_status.${status}` as MessageKey)}</span>;
}

export function ReportStatusBadge({ status }: { status: ReportStatus }) {
  const { t } = useI18n();
  return <span class={`badge ${STATUS_TONE[status]}`}>{t(`report_status.${status}` as MessageKey)}</span>;
}

export function UnitStateBadge({ state }: { state: string }) {
  const { t } = useI18n();
  return <span class={`badge ${STATUS_TONE[state] ?? 'neutral'}`}>{t(`unit_state.${state}` as MessageKey)}</span>;
}

export function pageCount(total: number, perPage: number): number {
  return Math.max(1, Math.ceil(total / Math.max(1, perPage)));
}

/// Previous and next links for a server-side paged list; the page number
/// lives in the URL.
export function Pager(props: { location: Location; page: number; total: number; perPage: number; param?: string }) {
  const { t, num } = useI18n();
  const pages = pageCount(props.total, props.perPage);
  const param = props.param ?? 'page';
  const href = (page: number) => withQuery(props.location.path, props.location.query, { [param]: page === 1 ? null : page });
  const first = props.total === 0 ? 0 : (props.page - 1) * props.perPage + 1;
  const last = Math.min(props.total, props.page * props.perPage);
  return (
    <nav class="pager" aria-label={t('pager.label')}>
      <p role="status">{t('pager.showing', { first: num(first), last: num(last), total: num(props.total) })}</p>
      <div class="pager-links">
        {props.page > 1 ? <Link href={href(props.page - 1)}>{t('pager.previous')}</Link> : null}
        <span>{t('pager.page', { page: num(props.page), pages: num(pages) })}</span>
        {props.page < pages ? <Link href={href(props.page + 1)}>{t('pager.next')}</Link> : null}
      </div>
    </nav>
  );
}

export function pageOf(location: Location, param = 'page'): number {
  const page = Number(location.query.get(param) ?? '1');
  return Number.isInteger(page) && page >= 1 ? page : 1;
}

export function Empty({ message }: { message: MessageKey }) {
  const { t } = useI18n();
  return <p class="empty">{t(message)}</p>;
}

/// A definition list of label and value pairs.
export function Facts({ items }: { items: [MessageKey, ComponentChildren][] }) {
  const { t } = useI18n();
  return (
    <dl class="facts">
      {items.map(([label, value]) => (
        <div key={label}>
          <dt>{t(label)}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}
