import { useI18n } from '../i18n/i18n';
import { navigate, type Location } from '../lib/router';
import { signIn } from '../lib/session';
import type { Role } from '../lib/types';
import { PageTitle } from '../ui/bits';
import { Field, FormError, SubmitButton, useForm } from '../ui/form';

/// Where each role starts its work.
export const HOME_OF: Record<Role, string> = {
  operator: '/queue',
  verifier: '/queue',
  proponent: '/my/projects',
  factory: '/account',
  citizen: '/account',
};

/// Only same-site paths are followed after sign-in, never another origin.
export function safeNext(next: string | null): string | null {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : null;
}

export function SignIn({ location }: { location: Location }) {
  const { t } = useI18n();
  const form = useForm({ username: '', password: '' });
  const submit = form.submit(async (values) => {
    const user = await signIn(values.username, values.password);
    navigate(safeNext(location.query.get('next')) ?? HOME_OF[user.role], { replace: true });
  });
  return (
    <section class="narrow">
      <PageTitle>{t('sign_in.title')}</PageTitle>
      <p class="lead">{t('sign_in.lead')}</p>
      <form onSubmit={submit} noValidate class="stacked-form" data-testid="sign-in-form">
        <FormError problem={form.formError} />
        <Field form={form} name="username" label="sign_in.username" autocomplete="username" required />
        <Field form={form} name="password" label="sign_in.password" type="password" autocomplete="current-password" required />
        <SubmitButton busy={form.busy} label="nav.sign_in" testid="sign-in" />
      </form>
    </section>
  );
}
