//! A filter bar whose values live in the URL query: submitting it navigates,
//! and the list below reloads from the server with the new query.

import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { useI18n, type MessageKey } from '../i18n/i18n';
import { navigate, withQuery, type Location } from '../lib/router';

export interface FilterField {
  name: string;
  label: MessageKey;
  options?: { value: string; label: string }[];
  type?: 'search' | 'text' | 'number';
}

export function FilterBar(props: { location: Location; fields: FilterField[]; label: MessageKey; extra?: ComponentChildren }) {
  const { t } = useI18n();
  const initial = Object.fromEntries(props.fields.map((f) => [f.name, props.location.query.get(f.name) ?? '']));
  const [values, setValues] = useState<Record<string, string>>(initial);
  // Back and Forward change the URL under the form: show what it now says.
  const fromUrl = JSON.stringify(initial);
  useEffect(() => setValues(JSON.parse(fromUrl)), [fromUrl]);
  const apply = (event: Event) => {
    event.preventDefault();
    navigate(withQuery(props.location.path, props.location.query, { ...values, page: null }));
  };
  const clear = () => {
    const empty = Object.fromEntries(props.fields.map((f) => [f.name, '']));
    setValues(empty);
    navigate(withQuery(props.location.path, props.location.query, { ...empty, page: null }));
  };
  return (
    <form class="filters" role="search" aria-label={t(props.label)} onSubmit={apply}>
      {props.fields.map((field) => {
        const id = `filter-${field.name}`;
        const onInput = (event: Event) =>
          setValues({ ...values, [field.name]: (event.currentTarget as HTMLInputElement).value });
        return (
          <div class="field" key={field.name}>
            <label for={id}>{t(field.label)}</label>
            {field.options ? (
              <select id={id} name={field.name} value={values[field.name]} onChange={onInput}>
                <option value="">{t('filter.any')}</option>
                {field.options.map((option) => (
                  <option value={option.value} key={option.value}>
                    {option.label}
                  </option>
                ))}
              </select>
            ) : (
              <input id={id} name={field.name} type={(field.type ?? 'search') as 'search'} value={values[field.name]} onInput={onInput} />
            )}
          </div>
        );
      })}
      {props.extra}
      <div class="filter-actions">
        <button type="submit" class="button primary" data-testid="filter-apply">
          {t('filter.apply')}
        </button>
        <button type="button" class="button secondary" onClick={clear}>
          {t('filter.clear')}
        </button>
      </div>
    </form>
  );
}
