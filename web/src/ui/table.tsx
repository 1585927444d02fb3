//! A table that becomes a list of cards on a phone: each cell carries its
//! column's name (data-label), which the phone layout shows before it.

import type { ComponentChildren } from 'preact';
import { useI18n, type MessageKey } from '../i18n/i18n';

export interface Column<T> {
  label: MessageKey;
  cell: (row: T) => ComponentChildren;
  numeric?: boolean;
}

export function DataTable<T>(props: {
  caption: string;
  columns: Column<T>[];
  rows: T[];
  rowKey: (row: T) => string | number;
  testid?: string;
}) {
  const { t } = useI18n();
  return (
    <table class="data-table" data-testid={props.testid}>
      <caption class="visually-hidden">{props.caption}</caption>
      <thead>
        <tr>
          {props.columns.map((column) => (
            <th scope="col" class={column.numeric ? 'num' : undefined} key={column.label}>
              {t(column.label)}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {props.rows.map((row) => (
          <tr key={props.rowKey(row)}>
            {props.columns.map((column) => (
              <td data-label={t(column.label)} class={column.numeric ? 'num' : undefined} key={column.label}>
                {column.cell(row)}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
