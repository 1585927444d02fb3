import { useI18n, type MessageKey } from '../i18n/i18n';
import { command, getPage } from '../lib/api';
import { forgetOrganisations } from '../lib/lookups';
import type { Location } from '../lib/router';
import { ROLES, type Organisation } from '../lib/types';
import { LoadError, Loading, PageTitle, Pager, pageOf } from '../ui/bits';
import { useFetch } from '../ui/fetch';
import { Field, FormError, SubmitButton, useForm } from '../ui/form';
import { DataTable } from '../ui/table';

function NewOrganisation({ done }: { done: () => void }) {
  const { t } = useI18n();
  const form = useForm({ name: '', role: 'factory' });
  const submit = form.submit(async (values, key) => {
    await command('/organisations', values, key);
    forgetOrganisations();
    form.reset();
    done();
  });
  const roles = ROLES.filter((r) => r !== 'operator').map((r) => ({ value: r, label: t(`role.${r}` as MessageKey) }));
  return (
    <section class="card" aria-labelledby="new-org">
      <h2 id="new-org">{t('organisations.new')}</h2>
      <form onSubmit={submit} noValidate class="stacked-form">
        <FormError problem={form.formError} />
        <Field form={form} name="name" label="organisation.name" required />
        <Field form={form} name="role" label="organisation.role" options={roles} />
        <SubmitButton busy={form.busy} label="organisations.create" testid="create-organisation" />
      </form>
    </section>
  );
}

export function Organisations({ location }: { location: Location }) {
  const { t } = useI18n();
  const page = pageOf(location);
  const list = useFetch((signal) => getPage<Organisation>('/organisations', { page, per_page: 20 }, signal), [page]);
  return (
    <>
      <PageTitle>{t('organisations.title')}</PageTitle>
      <p class="lead">{t('organisations.lead')}</p>
      <div class="two-columns wide-first">
        <div>
          {list.error ? (
            <LoadError error={list.error} reload={list.reload} />
          ) : !list.data ? (
            <Loading />
          ) : (
            <>
              <DataTable
                caption={t('organisations.title')}
                rows={list.data.items}
                rowKey={(o) => o.id}
                testid="organisation-table"
                columns={[
                  { label: 'organisation.id', cell: (o) => `#${o.id}` },
                  { label: 'organisation.name', cell: (o) => o.name },
                  { label: 'organisation.role', cell: (o) => t(`role.${o.role}` as MessageKey) },
                  { label: 'organisation.account', cell: (o) => `#${o.account}` },
                ]}
              />
              <Pager location={location} page={list.data.page} total={list.data.total} perPage={list.data.per_page} />
            </>
          )}
        </div>
        <NewOrganisation done={list.reload} />
      </div>
    </>
  );
}
