//! The shell: header with navigation, language and calendar switches, and
//! the page the URL names.

import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { setEra, setLocale, useI18n, type MessageKey } from './i18n/i18n';
import { matchPath, navigate, useLocation, type Location, type RouteParams } from './lib/router';
import { signOut, useSession } from './lib/session';
import type { Role, User } from './lib/types';
import { Link } from './ui/link';
import { Landing } from './pages/landing';
import { ProjectList } from './pages/projects';
import { ProjectPage } from './pages/project';
import { ProjectForm } from './pages/project-form';
import { ReportForm } from './pages/report-form';
import { BatchList, BatchPage } from './pages/batches';
import { SerialLookup } from './pages/serials';
import { RetirementList } from './pages/retirements';
import { Certificate } from './pages/certificate';
import { SignIn } from './pages/sign-in';
import { MyProjects } from './pages/my-projects';
import { Queue } from './pages/queue';
import { Organisations } from './pages/organisations';
import { Users } from './pages/users';
import { CreditClasses } from './pages/credit-classes';
import { OperatorFactories } from './pages/operator-factories';
import { AccountPage } from './pages/account';
import { DashboardPage } from './pages/dashboard';
import { FactoryPage } from './pages/factory';
import { FactoryReportPage } from './pages/factory-report';
import { PracticesPage } from './pages/practices';
import { MarketPage } from './pages/market';
import { TradingPage } from './pages/trading';
import { TradePage } from './pages/trades';
import { AuctionList, AuctionPage } from './pages/auctions';
import { CashDesk } from './pages/cash-desk';
import { WorldPage } from './pages/world';
import { NotFound, RequireRole } from './pages/guards';

interface PageProps {
  params: RouteParams;
  location: Location;
  user: User | null;
}

interface Route {
  pattern: string;
  page: (props: PageProps) => ComponentChildren;
  /// Signed-in roles that may use the page; none means public.
  roles?: Role[];
}

const HOLDERS: Role[] = ['operator', 'verifier', 'proponent', 'factory', 'citizen'];

const ROUTES: Route[] = [
  { pattern: '/', page: () => <Landing /> },
  { pattern: '/dashboard', page: () => <DashboardPage /> },
  { pattern: '/projects', page: (p) => <ProjectList location={p.location} /> },
  { pattern: '/projects/new', page: (p) => <ProjectForm user={p.user!} />, roles: ['proponent', 'factory'] },
  { pattern: '/projects/:id', page: (p) => <ProjectPage id={Number(p.params.id)} user={p.user} /> },
  {
    pattern: '/projects/:id/edit',
    page: (p) => <ProjectForm user={p.user!} id={Number(p.params.id)} />,
    roles: ['proponent', 'factory'],
  },
  {
    pattern: '/projects/:id/reports/new',
    page: (p) => <ReportForm id={Number(p.params.id)} />,
    roles: ['proponent', 'factory'],
  },
  { pattern: '/batches', page: (p) => <BatchList location={p.location} /> },
  { pattern: '/batches/:id', page: (p) => <BatchPage id={Number(p.params.id)} location={p.location} /> },
  { pattern: '/serials', page: (p) => <SerialLookup location={p.location} /> },
  { pattern: '/retirements', page: (p) => <RetirementList location={p.location} /> },
  { pattern: '/retirements/:id', page: (p) => <Certificate id={Number(p.params.id)} /> },
  { pattern: '/sign-in', page: (p) => <SignIn location={p.location} /> },
  { pattern: '/my/projects', page: (p) => <MyProjects user={p.user!} location={p.location} />, roles: ['proponent', 'factory'] },
  { pattern: '/queue', page: (p) => <Queue user={p.user!} location={p.location} />, roles: ['verifier', 'operator'] },
  { pattern: '/operator/organisations', page: (p) => <Organisations location={p.location} />, roles: ['operator'] },
  { pattern: '/operator/users', page: () => <Users />, roles: ['operator'] },
  { pattern: '/operator/classes', page: () => <CreditClasses />, roles: ['operator'] },
  { pattern: '/operator/factories', page: (p) => <OperatorFactories location={p.location} />, roles: ['operator'] },
  { pattern: '/factory', page: (p) => <FactoryPage user={p.user!} location={p.location} />, roles: ['factory'] },
  { pattern: '/factories/:org/report/:year', page: (p) => <FactoryReportPage org={Number(p.params.org)} year={Number(p.params.year)} /> },
  { pattern: '/practices', page: (p) => <PracticesPage location={p.location} /> },
  {
    pattern: '/reductions/:id/promote',
    page: (p) => <ProjectForm user={p.user!} reduction={Number(p.params.id)} />,
    roles: ['factory'],
  },
  { pattern: '/account', page: (p) => <AccountPage user={p.user!} location={p.location} />, roles: HOLDERS },
  { pattern: '/market', page: () => <MarketPage /> },
  { pattern: '/market/:id', page: (p) => <TradingPage id={Number(p.params.id)} user={p.user} location={p.location} /> },
  { pattern: '/trades/:id', page: (p) => <TradePage id={Number(p.params.id)} /> },
  { pattern: '/auctions', page: (p) => <AuctionList location={p.location} user={p.user} /> },
  { pattern: '/auctions/:id', page: (p) => <AuctionPage id={Number(p.params.id)} user={p.user} /> },
  { pattern: '/operator/cash', page: () => <CashDesk />, roles: ['operator'] },
  { pattern: '/world', page: (p) => <WorldPage user={p.user} /> },
];

function findRoute(path: string): { route: Route; params: RouteParams } | null {
  for (const route of ROUTES) {
    const params = matchPath(route.pattern, path);
    if (params) return { route, params };
  }
  return null;
}

interface NavItem {
  href: string;
  label: MessageKey;
  roles?: Role[];
}

const NAV: NavItem[] = [
  { href: '/world', label: 'nav.world' },
  { href: '/dashboard', label: 'nav.dashboard' },
  { href: '/market', label: 'nav.market' },
  { href: '/practices', label: 'nav.practices' },
  { href: '/projects', label: 'nav.projects' },
  { href: '/batches', label: 'nav.batches' },
  { href: '/retirements', label: 'nav.retirements' },
  { href: '/serials', label: 'nav.serials' },
  { href: '/my/projects', label: 'nav.my_projects', roles: ['proponent', 'factory'] },
  { href: '/queue', label: 'nav.queue', roles: ['verifier', 'operator'] },
  { href: '/operator/organisations', label: 'nav.organisations', roles: ['operator'] },
  { href: '/operator/users', label: 'nav.users', roles: ['operator'] },
  { href: '/operator/classes', label: 'nav.classes', roles: ['operator'] },
  { href: '/operator/factories', label: 'nav.factories', roles: ['operator'] },
  { href: '/operator/cash', label: 'nav.cash_desk', roles: ['operator'] },
  { href: '/factory', label: 'nav.factory', roles: ['factory'] },
  { href: '/account', label: 'nav.account', roles: HOLDERS },
];

function Settings() {
  const { t, locale, era } = useI18n();
  return (
    <div class="settings">
      <div class="switch" role="group" aria-label={t('settings.language')}>
        <button type="button" lang="th" aria-pressed={locale === 'th'} onClick={() => setLocale('th')} data-testid="lang-th">
          {t('language.th')}
        </button>
        <button type="button" lang="en" aria-pressed={locale === 'en'} onClick={() => setLocale('en')} data-testid="lang-en">
          {t('language.en')}
        </button>
      </div>
      <div class="switch" role="group" aria-label={t('settings.calendar')}>
        <button type="button" aria-pressed={era === 'be'} onClick={() => setEra('be')} data-testid="era-be">
          {t('settings.era_be')}
        </button>
        <button type="button" aria-pressed={era === 'ce'} onClick={() => setEra('ce')} data-testid="era-ce">
          {t('settings.era_ce')}
        </button>
      </div>
    </div>
  );
}

function UserBox({ user }: { user: User | null }) {
  const { t } = useI18n();
  if (!user) {
    return (
      <Link href="/sign-in" class="button secondary small">
        {t('nav.sign_in')}
      </Link>
    );
  }
  const out = async () => {
    await signOut().catch(() => undefined);
    navigate('/');
  };
  return (
    <div class="user-box">
      <span class="who" data-testid="signed-in-as">
        {user.display_name} · {t(`role.${user.role}` as MessageKey)}
      </span>
      <button type="button" class="button secondary small" onClick={out} data-testid="sign-out">
        {t('nav.sign_out')}
      </button>
    </div>
  );
}

function Header({ location, user }: { location: Location; user: User | null }) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  // Close the phone menu after following a link.
  useEffect(() => setOpen(false), [location.path]);
  const items = NAV.filter((item) => !item.roles || (user && item.roles.includes(user.role)));
  return (
    <header class="site-header">
      <div class="bar">
        <Link href="/" class="brand">
          <span class="brand-name">{t('app.name')}</span>
          <span class="brand-tag">{t('app.tagline')}</span>
        </Link>
        <button
          type="button"
          class="menu-button"
          aria-expanded={open}
          aria-controls="site-nav"
          onClick={() => setOpen(!open)}
          data-testid="menu"
        >
          {t('nav.menu')}
        </button>
      </div>
      <div id="site-nav" class={`nav-panel${open ? ' open' : ''}`}>
        <nav aria-label={t('nav.label')}>
          <ul>
            {items.map((item) => (
              <li key={item.href}>
                <Link href={item.href} aria-current={location.path.startsWith(item.href) ? 'page' : undefined}>
                  {t(item.label)}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <div class="nav-tools">
          <Settings />
          <UserBox user={user} />
        </div>
      </div>
    </header>
  );
}

export function App() {
  const { t } = useI18n();
  const location = useLocation();
  const session = useSession();
  const found = findRoute(location.path);
  let content: ComponentChildren;
  if (!found) content = <NotFound />;
  else if (found.route.roles) {
    content = (
      <RequireRole session={session} roles={found.route.roles} location={location}>
        {() => found.route.page({ params: found.params, location, user: session.user })}
      </RequireRole>
    );
  } else content = found.route.page({ params: found.params, location, user: session.user });
  return (
    <>
      <a href="#main" class="skip-link">
        {t('nav.skip')}
      </a>
      <Header location={location} user={session.user} />
      <main id="main" tabIndex={-1} key={location.path}>
        {content}
      </main>
      <footer class="site-footer">
        <p>{t('footer.text')}</p>
      </footer>
    </>
  );
}
