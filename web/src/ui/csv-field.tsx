//! A CSV file in a form: an optional file picker that fills a textarea, and
//! beside the text every bad line the server named when it refused the file
//! (all or nothing, so every line at once). The text typed stays as it was.

import { ApiError } from '../lib/api';
import type { CsvProblem } from '../lib/types';
import { useI18n, type MessageKey } from '../i18n/i18n';
import { ProblemText, type Form, type Values } from './form';

/// The bad lines of a refused file, when the server's error names `field`
/// (or names no field and only one file was sent).
export function csvProblemsOf(error: unknown, field: string): CsvProblem[] {
  if (!(error instanceof ApiError) || !Array.isArray(error.details.lines)) return [];
  if (error.field !== null && error.field !== field) return [];
  return (error.details.lines as CsvProblem[]).filter((p) => p && typeof p.line === 'number');
}

interface CsvFieldProps<V extends Values> {
  form: Form<V>;
  name: keyof V & string;
  label: MessageKey;
  /// The file picker's label ("Choose a CSV file (optional)").
  fileLabel: MessageKey;
  hint?: string;
  /// The bad lines the server named for this file.
  problems: CsvProblem[];
  /// The summary above them; takes {count}.
  summary: MessageKey;
  rows?: number;
  required?: boolean;
  /// data-testid of the list of problems.
  problemsTestid?: string;
}

export function CsvField<V extends Values>(props: CsvFieldProps<V>) {
  const { t } = useI18n();
  const { form, name, problems } = props;
  const id = `${form.prefix}-${name}`;
  const error = form.errors[name];
  const failed = Boolean(error) || problems.length > 0;
  const describedBy = [props.hint ? `${id}-hint` : '', failed ? `${id}-error` : ''].filter(Boolean).join(' ');
  const readFile = async (event: Event) => {
    const file = (event.currentTarget as HTMLInputElement).files?.[0];
    if (file) form.set(name, await file.text());
  };
  return (
    <>
      <div class="field">
        <label for={`${id}-file`}>{t(props.fileLabel)}</label>
        <input id={`${id}-file`} type="file" accept=".csv,text/csv" onChange={readFile} />
      </div>
      <div class={`field${failed ? ' has-error' : ''}`}>
        <label for={id}>
          {t(props.label)}
          {props.required && <span class="required" aria-hidden="true"> *</span>}
        </label>
        {props.hint && (
          <p class="hint" id={`${id}-hint`}>
            {props.hint}
          </p>
        )}
        <div class="csv-editor">
          <textarea
            id={id}
            name={name}
            rows={props.rows ?? 10}
            spellcheck={false}
            class="mono"
            value={form.values[name]}
            aria-required={props.required ? 'true' : undefined}
            aria-invalid={failed ? 'true' : undefined}
            aria-describedby={describedBy || undefined}
            onInput={(event) => form.set(name, (event.currentTarget as HTMLTextAreaElement).value)}
          />
          {failed && (
            <div class="field-error csv-problems" id={`${id}-error`} data-testid={props.problemsTestid ?? 'csv-problems'}>
              <p>{problems.length ? t(props.summary, { count: problems.length }) : error && <ProblemText problem={error} />}</p>
              {problems.length > 0 && (
                <ul>
                  {problems.map((p, index) => (
                    <li key={index}>
                      <strong>
                        {p.column ? t('factory.bad_line', { line: p.line, column: p.column }) : t('factory.bad_line_only', { line: p.line })}
                      </strong>{' '}
                      <span lang="en">{p.message}</span>
                    </li>
                  ))}
                </ul>
              )}
            </div>
          )}
        </div>
      </div>
    </>
  );
}
