// A sortable table that shows one page at a time, so that a province's
// hundred communes or the country's 3,321 never become one long DOM.

import { clear, h } from './dom';
import { formatCount } from './format';
import { t } from './i18n';

export interface Column<T> {
  key: string;
  header: string;
  // The value sorted on.
  sortValue: (row: T) => string | number;
  // What the cell shows (default: the sort value).
  render?: (row: T) => Node | string;
  numeric?: boolean;
}

export interface TableOptions<T> {
  columns: Column<T>[];
  rows: T[];
  testid: string;
  pageSize?: number;
  sortKey?: string;
  descending?: boolean;
  rowTestid?: (row: T) => string;
  rowClass?: (row: T) => string;
  empty?: string;
}

export function dataTable<T>(options: TableOptions<T>): HTMLElement {
  const pageSize = options.pageSize ?? 25;
  let sortKey = options.sortKey ?? options.columns[0].key;
  let descending = options.descending ?? false;
  let page = 0;
  const collator = new Intl.Collator(document.documentElement.lang || 'vi', { numeric: true });
  const container = h('div', { class: 'table-wrap', testid: options.testid });

  const sorted = (): T[] => {
    const column = options.columns.find((c) => c.key === sortKey) ?? options.columns[0];
    const rows = [...options.rows];
    rows.sort((a, b) => {
      const x = column.sortValue(a);
      const y = column.sortValue(b);
      const order =
        typeof x === 'number' && typeof y === 'number' ? x - y : collator.compare(String(x), String(y));
      return descending ? -order : order;
    });
    return rows;
  };

  const draw = (): void => {
    clear(container);
    const rows = sorted();
    const pages = Math.max(1, Math.ceil(rows.length / pageSize));
    page = Math.min(page, pages - 1);
    const head = h(
      'tr',
      {},
      ...options.columns.map((column) => {
        const active = column.key === sortKey;
        return h(
          'th',
          {
            class: `${column.numeric ? 'num' : ''} sortable ${active ? 'sorted' : ''}`,
            data: { key: column.key },
            aria: { sort: active ? (descending ? 'descending' : 'ascending') : 'none' },
            onclick: () => {
              if (sortKey === column.key) descending = !descending;
              else {
                sortKey = column.key;
                descending = !!column.numeric;
              }
              page = 0;
              draw();
            },
          },
          column.header,
          active ? (descending ? ' ▼' : ' ▲') : '',
        );
      }),
    );
    const body = h('tbody');
    const slice = rows.slice(page * pageSize, (page + 1) * pageSize);
    if (slice.length === 0) {
      body.appendChild(
        h('tr', {}, h('td', { colspan: options.columns.length, class: 'empty' }, options.empty ?? t('noData'))),
      );
    }
    for (const row of slice) {
      body.appendChild(
        h(
          'tr',
          {
            testid: options.rowTestid?.(row),
            class: options.rowClass?.(row),
          },
          ...options.columns.map((column) =>
            h(
              'td',
              { class: column.numeric ? 'num' : '', data: { col: column.key } },
              column.render ? column.render(row) : String(column.sortValue(row)),
            ),
          ),
        ),
      );
    }
    container.appendChild(h('table', { class: 'data' }, h('thead', {}, head), body));
    if (pages > 1) {
      container.appendChild(
        h(
          'div',
          { class: 'pager', testid: `${options.testid}-pager` },
          h('button', {
            type: 'button',
            testid: `${options.testid}-prev`,
            onclick: () => {
              page = Math.max(0, page - 1);
              draw();
            },
          }, t('previous')),
          h('span', { class: 'page-info' },
            `${t('page')} ${formatCount(page + 1)} ${t('of')} ${formatCount(pages)} · ${formatCount(rows.length)} ${t('rows')}`),
          h('button', {
            type: 'button',
            testid: `${options.testid}-next`,
            onclick: () => {
              page = Math.min(pages - 1, page + 1);
              draw();
            },
          }, t('next')),
        ),
      );
    }
  };
  draw();
  return container;
}
