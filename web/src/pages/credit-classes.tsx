import { useI18n, type MessageKey } from '../i18n/i18n';
import { command } from '../lib/api';
import { creditClasses } from '../lib/lookups';
import { LoadError, Loading, PageTitle } from '../ui/bits';
import { useFetch } from '../ui/fetch';
import { Field, FormError, SubmitButton, useForm } from '../ui/form';
import { DataTable } from '../ui/table';
import { bufferBpsOf } from './project-form';

function NewClass({ done }: { done: () => void }) {
  const { t } = useI18n();
  const form = useForm({ code: '', name: '', methodology: '', kind: 'removal', default_buffer_bps: '' });
  const submit = form.submit(async (values, key) => {
    const bps = bufferBpsOf(values.default_buffer_bps);
    if (bps === null || Number.isNaN(bps)) return form.fail({ default_buffer_bps: { key: 'error.percent' } });
    await command('/credit-classes', { ...values, default_buffer_bps: bps }, key);
    form.reset();
    done();
  });
  const kinds = ['removal', 'reduction'].map((k) => ({ value: k, label: t(`class.kind.${k}` as MessageKey) }));
  return (
    <section class="card" aria-labelledby="new-class">
      <h2 id="new-class">{t('classes.new')}</h2>
      <form onSubmit={submit} noValidate class="stacked-form">
        <FormError problem={form.formError} />
        <Field form={form} name="code" label="class.code" hint={t('class.code_hint')} required />
        <Field form={form} name="name" label="class.name" required />
        <Field form={form} name="methodology" label="class.methodology" multiline rows={3} required />
        <Field form={form} name="kind" label="class.kind" options={kinds} />
        <Field form={form} name="default_buffer_bps" label="class.buffer_percent" inputMode="decimal" hint={t('class.buffer_hint')} required />
        <SubmitButton busy={form.busy} label="classes.create" testid="create-class" />
      </form>
    </section>
  );
}

export function CreditClasses() {
  const { t, percentBps } = useI18n();
  const classes = useFetch((signal) => creditClasses(signal), []);
  return (
    <>
      <PageTitle>{t('classes.title')}</PageTitle>
      <p class="lead">{t('classes.lead')}</p>
      <div class="two-columns wide-first">
        <div>
          {classes.error ? (
            <LoadError error={classes.error} reload={classes.reload} />
          ) : !classes.data ? (
            <Loading />
          ) : (
            <DataTable
              caption={t('classes.title')}
              rows={classes.data}
              rowKey={(c) => c.id}
              testid="class-table"
              columns={[
                { label: 'class.code', cell: (c) => <span class="mono">{c.code}</span> },
                { label: 'class.name', cell: (c) => c.name },
                { label: 'class.kind', cell: (c) => t(`class.kind.${c.kind}` as MessageKey) },
                { label: 'class.buffer', cell: (c) => percentBps(c.default_buffer_bps), numeric: true },
              ]}
            />
          )}
        </div>
        <NewClass done={classes.reload} />
      </div>
    </>
  );
}
