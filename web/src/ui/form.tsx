//! Forms that keep what the user typed and show each server error beside
//! the field it names. Errors are stored as message keys, not text, so a
//! language switch re-translates them.

import type { ComponentChildren } from 'preact';
import { useRef, useState } from 'preact/hooks';
import { ApiError, newIdempotencyKey } from '../lib/api';
import { describeError, formFieldOf, type Problem } from '../lib/errors';
import { useI18n, type MessageKey } from '../i18n/i18n';

export type Values = Record<string, string>;

export interface Form<V extends Values> {
  /// Prefix of the controls' ids, unique per form on a page.
  prefix: string;
  values: V;
  errors: Partial<Record<keyof V, Problem>>;
  formError: Problem | null;
  busy: boolean;
  set: (name: keyof V, value: string) => void;
  reset: (values?: Partial<V>) => void;
  fail: (errors: Partial<Record<keyof V, Problem>>) => void;
  submit: (action: (values: V, idempotencyKey: string) => Promise<void>) => (event?: Event) => Promise<void>;
}

export function useForm<V extends Values>(initial: V, prefix = 'field'): Form<V> {
  const [values, setValues] = useState<V>(initial);
  const [errors, setErrors] = useState<Partial<Record<keyof V, Problem>>>({});
  const [formError, setFormError] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  // Kept across attempts until the server gives a definite answer, so a
  // retry after a network failure cannot apply the command twice.
  const key = useRef(newIdempotencyKey());
  const fields = Object.keys(initial);

  const submit = (action: (values: V, idempotencyKey: string) => Promise<void>) => async (event?: Event) => {
    event?.preventDefault();
    if (busy) return;
    setBusy(true);
    setErrors({});
    setFormError(null);
    try {
      await action(values, key.current);
      key.current = newIdempotencyKey();
    } catch (error) {
      if (!(error instanceof ApiError && error.code === 'network')) key.current = newIdempotencyKey();
      const field = error instanceof ApiError ? formFieldOf(error.field, fields) : null;
      if (field) setErrors({ [field]: describeError(error) } as Partial<Record<keyof V, Problem>>);
      else setFormError(describeError(error));
    } finally {
      setBusy(false);
    }
  };

  return {
    prefix,
    values,
    errors,
    formError,
    busy,
    set: (name, value) => setValues((previous) => ({ ...previous, [name]: value })),
    reset: (next) => setValues({ ...initial, ...next }),
    fail: (next) => setErrors(next),
    submit,
  };
}

export function ProblemText({ problem }: { problem: Problem }) {
  const { t } = useI18n();
  return (
    <>
      {t(problem.key, problem.params)}
      {problem.detail && (
        <span class="detail">
          {' '}
          {t('error.server_said')}{' '}
          <span lang="en">{problem.detail}</span>
        </span>
      )}
    </>
  );
}

export function FormError({ problem }: { problem: Problem | null }) {
  if (!problem) return null;
  return (
    <p class="form-error" role="alert">
      <ProblemText problem={problem} />
    </p>
  );
}

interface FieldProps<V extends Values> {
  form: Form<V>;
  name: keyof V & string;
  label: MessageKey;
  hint?: ComponentChildren;
  type?: 'text' | 'password' | 'number' | 'date' | 'datetime-local' | 'search';
  autocomplete?: string;
  inputMode?: 'numeric' | 'decimal' | 'text';
  multiline?: boolean;
  rows?: number;
  options?: { value: string; label: string }[];
  required?: boolean;
}

/// A labelled control with its hint and its error, tied together with
/// aria-describedby so a screen reader reads all three.
export function Field<V extends Values>(props: FieldProps<V>) {
  const { t } = useI18n();
  const { form, name } = props;
  const id = `${form.prefix}-${name}`;
  const error = form.errors[name];
  const describedBy = [props.hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  const common = {
    id,
    name,
    value: form.values[name],
    'aria-invalid': error ? ('true' as const) : undefined,
    'aria-describedby': describedBy || undefined,
    'aria-required': props.required ? ('true' as const) : undefined,
    onInput: (event: Event) => form.set(name, (event.currentTarget as HTMLInputElement).value),
  };
  return (
    <div class={`field${error ? ' has-error' : ''}`}>
      <label for={id}>
        {t(props.label)}
        {props.required && <span class="required" aria-hidden="true"> *</span>}
      </label>
      {props.hint && (
        <p class="hint" id={`${id}-hint`}>
          {props.hint}
        </p>
      )}
      {props.options ? (
        <select {...common} onChange={common.onInput}>
          {props.options.map((option) => (
            <option value={option.value} key={option.value}>
              {option.label}
            </option>
          ))}
        </select>
      ) : props.multiline ? (
        <textarea {...common} rows={props.rows ?? 4} />
      ) : (
        <input
          {...(common as {})}
          type={(props.type ?? 'text') as 'text'}
          autocomplete={props.autocomplete}
          inputMode={props.inputMode}
        />
      )}
      {error && (
        <p class="field-error" id={`${id}-error`}>
          <ProblemText problem={error} />
        </p>
      )}
    </div>
  );
}

export function SubmitButton(props: { busy: boolean; label: MessageKey; testid?: string; kind?: 'primary' | 'danger' }) {
  const { t } = useI18n();
  return (
    <button
      type="submit"
      class={`button ${props.kind ?? 'primary'}`}
      disabled={props.busy}
      aria-busy={props.busy ? 'true' : undefined}
      data-testid={props.testid}
    >
      {props.busy ? t('common.working') : t(props.label)}
    </button>
  );
}
