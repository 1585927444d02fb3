import type { ComponentChildren } from 'preact';
import { useI18n } from '../i18n/i18n';
import type { Location } from '../lib/router';
import type { Session } from '../lib/session';
import type { Role } from '../lib/types';
import { Loading, PageTitle } from '../ui/bits';
import { Link } from '../ui/link';

export function signInHref(location: Location): string {
  const next = location.path + (location.query.toString() ? `?${location.query}` : '');
  return `/sign-in?next=${encodeURIComponent(next)}`;
}

/// Shows the page only to a signed-in user of one of `roles`.
export function RequireRole(props: {
  session: Session;
  roles: Role[];
  location: Location;
  children: () => ComponentChildren;
}) {
  const { t } = useI18n();
  const { session } = props;
  if (!session.loaded) return <Loading />;
  if (!session.user) {
    return (
      <section class="narrow">
        <PageTitle>{t('guard.sign_in_title')}</PageTitle>
        <p>{t('guard.sign_in_text')}</p>
        <Link href={signInHref(props.location)} class="button primary">
          {t('nav.sign_in')}
        </Link>
      </section>
    );
  }
  if (!props.roles.includes(session.user.role)) {
    return (
      <section class="narrow">
        <PageTitle>{t('guard.forbidden_title')}</PageTitle>
        <p>{t('guard.forbidden_text')}</p>
        <Link href="/">{t('common.home')}</Link>
      </section>
    );
  }
  return <>{props.children()}</>;
}

export function NotFound() {
  const { t } = useI18n();
  return (
    <section class="narrow">
      <PageTitle>{t('not_found.title')}</PageTitle>
      <p>{t('not_found.text')}</p>
      <Link href="/">{t('common.home')}</Link>
    </section>
  );
}
