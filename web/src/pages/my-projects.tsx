import { useI18n, type MessageKey } from '../i18n/i18n';
import type { Location } from '../lib/router';
import { memberOrg } from '../lib/session';
import { PROJECT_STATUSES, type User } from '../lib/types';
import { PageTitle } from '../ui/bits';
import { FilterBar } from '../ui/filters';
import { Link } from '../ui/link';
import { ProjectTable } from './projects';

export function MyProjects({ user, location }: { user: User; location: Location }) {
  const { t } = useI18n();
  const statuses = PROJECT_STATUSES.map((s) => ({ value: s, label: t(`project_status.${s}` as MessageKey) }));
  const query = { proponent: memberOrg(user), status: location.query.get('status') ?? undefined, q: location.query.get('q') ?? undefined };
  return (
    <>
      <PageTitle>{t('my_projects.title')}</PageTitle>
      <p class="lead">{t('my_projects.lead', { organisation: user.org_name })}</p>
      <p>
        <Link href="/projects/new" class="button primary" data-testid="new-project">
          {t('project.new_title')}
        </Link>
      </p>
      <FilterBar
        location={location}
        label="projects.filter"
        fields={[
          { name: 'q', label: 'filter.name_contains' },
          { name: 'status', label: 'project.status', options: statuses },
        ]}
      />
      <ProjectTable query={query} location={location} testid="my-project-table" />
    </>
  );
}
