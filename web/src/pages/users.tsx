import { useI18n, type MessageKey } from '../i18n/i18n';
import { get, request } from '../lib/api';
import { allOrganisations } from '../lib/lookups';
import type { Organisation, User } from '../lib/types';
import { LoadError, Loading, PageTitle } from '../ui/bits';
import { useFetch } from '../ui/fetch';
import { Field, FormError, SubmitButton, useForm } from '../ui/form';
import { DataTable } from '../ui/table';

function NewUser({ organisations, done }: { organisations: Organisation[]; done: () => void }) {
  const { t } = useI18n();
  const form = useForm({ username: '', display_name: '', password: '', org_id: String(organisations[0]?.id ?? '') });
  const submit = form.submit(async (values) => {
    // POST /users takes no Idempotency-Key: a retry is refused as a taken username.
    await request('/users', { method: 'POST', body: { ...values, org_id: Number(values.org_id) } });
    form.reset({ org_id: values.org_id });
    done();
  });
  const options = organisations.map((o) => ({ value: String(o.id), label: `${o.name} (${t(`role.${o.role}` as MessageKey)})` }));
  return (
    <section class="card" aria-labelledby="new-user">
      <h2 id="new-user">{t('users.new')}</h2>
      <form onSubmit={submit} noValidate class="stacked-form">
        <FormError problem={form.formError} />
        <Field form={form} name="username" label="user.username" autocomplete="off" hint={t('user.username_hint')} required />
        <Field form={form} name="display_name" label="user.display_name" required />
        <Field form={form} name="password" label="user.password" type="password" autocomplete="new-password" hint={t('user.password_hint')} required />
        <Field form={form} name="org_id" label="user.organisation" options={options} hint={t('user.organisation_hint')} />
        <SubmitButton busy={form.busy} label="users.create" testid="create-user" />
      </form>
    </section>
  );
}

/** Who let a login in: an operator's staff member with their organisation, or the system. */
function createdBy(user: User, t: (key: MessageKey) => string): string {
  const by = user.created_by;
  if (!by) return t('user.created_by_unknown');
  if (by.system) return t('user.created_by_system');
  return `${by.username ?? `#${by.user_id}`} · ${by.org_name ?? ''}`;
}

export function Users() {
  const { t } = useI18n();
  const users = useFetch((signal) => get<User[]>('/users', {}, signal), []);
  const organisations = useFetch(() => allOrganisations(), []);
  return (
    <>
      <PageTitle>{t('users.title')}</PageTitle>
      <p class="lead">{t('users.lead')}</p>
      <div class="two-columns wide-first">
        <div>
          {users.error ? (
            <LoadError error={users.error} reload={users.reload} />
          ) : !users.data ? (
            <Loading />
          ) : (
            <DataTable
              caption={t('users.title')}
              rows={users.data}
              rowKey={(u) => u.id}
              testid="user-table"
              columns={[
                { label: 'user.username', cell: (u) => <span class="mono">{u.username}</span> },
                { label: 'user.display_name', cell: (u) => u.display_name },
                { label: 'user.organisation', cell: (u) => u.org_name },
                { label: 'user.role', cell: (u) => t(`role.${u.role}` as MessageKey) },
                { label: 'user.status', cell: (u) => t(`user_status.${u.status ?? 'active'}` as MessageKey) },
                { label: 'user.created_by', cell: (u) => createdBy(u, t) },
              ]}
            />
          )}
        </div>
        {organisations.error ? (
          <LoadError error={organisations.error} reload={organisations.reload} />
        ) : organisations.data ? (
          <NewUser organisations={organisations.data} done={users.reload} />
        ) : (
          <Loading />
        )}
      </div>
    </>
  );
}
