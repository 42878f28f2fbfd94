// A report's figures as grids, one block per indicator: its total, then one
// row of cells per dimension it is broken down by (sex, age group,
// ethnicity, religion …), with the sum of the row beside it; a crossing the
// indicator asks for (sex × age group) is a two-way table instead, with
// its row, column and grand sums, its margins (the one-dimension values of
// its two dimensions) at the ends of its lines. The report
// form puts inputs in the cells, the reviewer's page the values; both read
// the same layout from the report's values, whose order (and so the index
// that the server's field violations name, "report.values[3]") is kept.

import { listAll, type Dimension, type Indicator, type Report, type Value } from '../api';

interface Task {
  name: string;
  indicators?: string[];
}
import { h } from '../dom';
import { findGrids, gridSums, sumForOfficials, type CrossGrid, type GridDimension } from '../crosstab';
import { formatNumber } from '../display_format';
import { sumExact } from '../format';
import { displayName, t } from '../i18n';

export interface FigureMeta {
  indicators: Map<string, Indicator>;
  dimensions: Map<string, Dimension>;
}

export async function loadFigureMeta(): Promise<FigureMeta> {
  const [indicators, dimensions] = await Promise.all([
    listAll<Indicator>('registry', 'ListIndicators', 'indicators'),
    listAll<Dimension>('registry', 'ListDimensions', 'dimensions'),
  ]);
  return {
    indicators: new Map(indicators.map((i) => [i.name, i])),
    dimensions: new Map(dimensions.map((d) => [d.name, d])),
  };
}

function isComputed(indicator: Indicator): boolean {
  return indicator.valueType === 'VALUE_TYPE_PERCENT' || indicator.aggregation === 'AGGREGATION_RATIO';
}

function cellKey(value: Value): string {
  return `${value.indicator}|${Object.entries(value.cells ?? {}).sort().join(';')}`;
}

// The registry's dimensions as the grids read them, by code.
function gridDimensions(meta: FigureMeta): Map<string, GridDimension> {
  const out = new Map<string, GridDimension>();
  for (const [name, dimension] of meta.dimensions) {
    const code = name.replace('dimensions/', '');
    out.set(code, {
      code,
      label: displayName(dimension) || code,
      options: (dimension.options ?? []).map((o) => ({ code: o.code, label: displayName(o) || o.code })),
    });
  }
  return out;
}

// Every figure the report's tasks ask for, in the order of the draft the
// server makes (GetOrCreateDraft: tasks in order, each indicator once, its
// total, then each option of each of its dimensions, then each cell of
// each crossing), with the values the
// report holds. A submitted report keeps only the figures given, so its
// form and its reading are laid out from the registry again; values the
// layout does not know (an indicator since removed from a task) follow.
export async function figureLayout(report: Report, meta: FigureMeta): Promise<Value[]> {
  const tasks = await listAll<Task>('registry', 'ListTasks', 'tasks', { parent: report.plan ?? '' });
  const byTask = new Map(tasks.map((task) => [task.name, task]));
  const order: string[] = [];
  for (const progress of report.progress ?? []) {
    for (const name of byTask.get(progress.task)?.indicators ?? []) {
      if (!order.includes(name)) order.push(name);
    }
  }
  const layout: Value[] = [];
  for (const name of order) {
    const indicator = meta.indicators.get(name);
    if (!indicator || isComputed(indicator)) continue;
    layout.push({ indicator: name });
    for (const dimension of indicator.dimensions ?? []) {
      const code = dimension.replace('dimensions/', '');
      for (const option of meta.dimensions.get(dimension)?.options ?? []) {
        layout.push({ indicator: name, cells: { [code]: option.code } });
      }
    }
    for (const crossing of indicator.crossings ?? []) {
      const rows = meta.dimensions.get(crossing.rows ?? '');
      const columns = meta.dimensions.get(crossing.columns ?? '');
      if (!rows || !columns || rows === columns) continue;
      const rowCode = rows.name.replace('dimensions/', '');
      const columnCode = columns.name.replace('dimensions/', '');
      for (const r of rows.options ?? []) {
        for (const c of columns.options ?? []) {
          layout.push({ indicator: name, cells: { [rowCode]: r.code, [columnCode]: c.code } });
        }
      }
    }
  }
  const given = new Map((report.values ?? []).map((v) => [cellKey(v), v]));
  const placed = layout.map((slot) => {
    const value = given.get(cellKey(slot));
    given.delete(cellKey(slot));
    return value ? { ...slot, intValue: value.intValue, decimalValue: value.decimalValue } : slot;
  });
  return [...placed, ...given.values()];
}

// A value as the API's decimal text ("1200", "90.38"), "" when not given.
export function valueText(value: Value | undefined): string {
  return value?.intValue ?? value?.decimalValue ?? '';
}

// A value for officials: "1.200", "90,38"; always the Vietnamese way in
// the form's cells, which are read back the Vietnamese way.
export function valueForOfficials(text: string): string {
  return text === '' ? '' : formatNumber(text, 'vi');
}

export interface DimensionRow {
  code: string;
  label: string;
  indices: number[];
  sum: HTMLElement;
}

// A two-way table drawn for a crossing, with the outputs its sums go to.
export interface GridBlock {
  grid: CrossGrid;
  rowSums: HTMLElement[];
  columnSums: HTMLElement[];
  grand: HTMLElement;
  // Margins shown again (their inputs are in another table): index → text.
  mirrors: { index: number; element: HTMLElement }[];
}

export interface IndicatorBlock {
  indicator: string;
  total: number | undefined;
  rows: DimensionRow[];
  grids: GridBlock[];
}

// The label of a value ("Tổng số", "Nữ"), for screen readers and messages.
export function cellLabel(value: Value, meta: FigureMeta): string {
  const entries = Object.entries(value.cells ?? {});
  if (entries.length === 0) return t('totalLabel');
  return entries.map(([dimension, option]) => {
    const options = meta.dimensions.get(`dimensions/${dimension}`)?.options ?? [];
    const found = options.find((o) => o.code === option);
    return found ? displayName(found) || option : option;
  }).join(', ');
}

export function indicatorTitle(name: string, meta: FigureMeta): string {
  const indicator = meta.indicators.get(name);
  const title = indicator ? displayName(indicator) || name : name;
  return indicator?.unit ? `${title} (${indicator.unit})` : title;
}

// Lays out `values` as grids; `cell(index)` makes what goes in a cell.
// A breakdown with more options than this (ethnicity's 54, religion's 16)
// starts folded unless one of its cells holds a value.
const FOLDED_OPTIONS = 12;

export function figureGrids(
  values: Value[],
  meta: FigureMeta,
  cell: (index: number, label: string) => Node,
  given: (index: number) => boolean = (index) => valueText(values[index]) !== '',
): { root: HTMLElement; blocks: IndicatorBlock[] } {
  const root = h('div', { class: 'figures' });
  const blocks: IndicatorBlock[] = [];
  const byIndicator = new Map<string, IndicatorBlock>();
  values.forEach((value, index) => {
    let block = byIndicator.get(value.indicator);
    if (!block) {
      block = { indicator: value.indicator, total: undefined, rows: [], grids: [] };
      byIndicator.set(value.indicator, block);
      blocks.push(block);
    }
    const entries = Object.entries(value.cells ?? {});
    if (entries.length === 0) {
      block.total = index;
      return;
    }
    if (entries.length > 1) return;  // a crossed cell: drawn by its table
    const code = entries[0][0];
    let row = block.rows.find((r) => r.code === code);
    if (!row) {
      const dimension = meta.dimensions.get(`dimensions/${code}`);
      row = { code, label: dimension ? displayName(dimension) || code : code, indices: [], sum: h('output', { class: 'sum', testid: `sum-${value.indicator.replace('indicators/', '')}-${code}` }) };
      block.rows.push(row);
    }
    row.indices.push(index);
  });
  const dimensions = gridDimensions(meta);
  for (const block of blocks) {
    const id = block.indicator.replace('indicators/', '');
    const fieldset = h('fieldset', { class: 'indicator-grid', testid: `grid-${id}` },
      h('legend', {}, indicatorTitle(block.indicator, meta)));
    if (block.total !== undefined) {
      fieldset.appendChild(h('div', { class: 'grid-total' }, cell(block.total, t('totalLabel'))));
    }
    // Dimensions whose one-dimension row a table shows at its margins.
    const inTable = new Set<string>();
    const tables: HTMLElement[] = [];
    const crossings = meta.indicators.get(block.indicator)?.crossings ?? [];
    for (const grid of findGrids(block.indicator, crossings, dimensions, values)) {
      const drawn = crossTable(id, grid, block, values, meta, cell, inTable);
      block.grids.push(drawn.block);
      tables.push(drawn.root);
    }
    for (const row of block.rows) {
      if (inTable.has(row.code)) continue;
      const grid = h('div', { class: 'grid-row', testid: `grid-${id}-${row.code}` });
      for (const index of row.indices) grid.appendChild(cell(index, cellLabel(values[index], meta)));
      grid.appendChild(h('div', { class: 'grid-cell grid-sum' }, h('span', { class: 'cell-label' }, t('sumLabel')), row.sum));
      if (row.indices.length > FOLDED_OPTIONS) {
        const folded = h('details', { class: 'grid-dimension', testid: `fold-${id}-${row.code}` },
          h('summary', { class: 'grid-dimension-label' }, `${row.label} (${row.indices.length})`), grid);
        folded.open = row.indices.some(given);
        fieldset.appendChild(folded);
        continue;
      }
      const table = h('div', { class: 'grid-dimension', aria: { label: row.label } },
        h('div', { class: 'grid-dimension-label' }, row.label), grid);
      table.setAttribute('role', 'group');
      fieldset.appendChild(table);
    }
    for (const table of tables) fieldset.appendChild(table);
    root.appendChild(fieldset);
  }
  return { root, blocks };
}

// One crossing as a table: a row per option of its first dimension, a
// column per option of its second, each line's sum after it, and at the
// end of each line its margin (the one-dimension value it adds up to),
// unless another table of the indicator already holds that dimension's
// inputs (then the margin is shown, not entered, here).
function crossTable(
  id: string,
  grid: CrossGrid,
  block: IndicatorBlock,
  values: Value[],
  meta: FigureMeta,
  cell: (index: number, label: string) => Node,
  inTable: Set<string>,
): { root: HTMLElement; block: GridBlock } {
  const testid = `crosstab-${id}-${grid.rows.code}-${grid.columns.code}`;
  const drawn: GridBlock = {
    grid,
    rowSums: grid.rows.options.map((o) => h('output', { class: 'sum', testid: `${testid}-row-${o.code}` })),
    columnSums: grid.columns.options.map((o) => h('output', { class: 'sum', testid: `${testid}-column-${o.code}` })),
    grand: h('output', { class: 'sum', testid: `${testid}-grand` }),
    mirrors: [],
  };
  // The margins' inputs go in the first table that shows their dimension.
  const marginCell = (index: number | undefined, owns: boolean): Node => {
    if (index === undefined) return h('span', { class: 'cell-value' }, '—');
    if (owns) return cell(index, cellLabel(values[index], meta));
    const element = h('output', { class: 'sum mirror' });
    drawn.mirrors.push({ index, element });
    return element;
  };
  const ownsRows = !inTable.has(grid.rows.code);
  const ownsColumns = !inTable.has(grid.columns.code);
  inTable.add(grid.rows.code);
  inTable.add(grid.columns.code);
  const rowLine = block.rows.find((r) => r.code === grid.rows.code);
  const columnLine = block.rows.find((r) => r.code === grid.columns.code);
  const th = (text: string, scope: 'row' | 'col') => {
    const cellHead = h('th', {}, text);
    cellHead.setAttribute('scope', scope);
    return cellHead;
  };
  const byDimension = (label: string) => t('crosstabMargin').replace('{dimension}', label);
  const table = h('table', { class: 'crosstab' },
    h('thead', {}, h('tr', {},
      th(`${grid.rows.label} \\ ${grid.columns.label}`, 'col'),
      ...grid.columns.options.map((o) => th(o.label, 'col')),
      th(t('sumLabel'), 'col'),
      th(byDimension(grid.rows.label), 'col'))));
  const body = h('tbody', {});
  grid.rows.options.forEach((option, r) => {
    body.appendChild(h('tr', {},
      th(option.label, 'row'),
      ...grid.cells[r].map((index) => h('td', {}, index === undefined
        ? h('span', { class: 'cell-value' }, '—')
        : cell(index, cellLabel(values[index], meta)))),
      h('td', { class: 'grid-sum' }, drawn.rowSums[r]),
      h('td', { class: 'crosstab-margin' }, marginCell(grid.rowMargins[r], ownsRows))));
  });
  body.appendChild(h('tr', { class: 'crosstab-sums' },
    th(t('sumLabel'), 'row'),
    ...drawn.columnSums.map((sum) => h('td', { class: 'grid-sum' }, sum)),
    h('td', { class: 'grid-sum' }, drawn.grand),
    h('td', { class: 'grid-sum' }, ownsRows && rowLine ? rowLine.sum : '')));
  body.appendChild(h('tr', { class: 'crosstab-margins' },
    th(byDimension(grid.columns.label), 'row'),
    ...grid.columnMargins.map((index) => h('td', { class: 'crosstab-margin' }, marginCell(index, ownsColumns))),
    h('td', { class: 'grid-sum' }, ownsColumns && columnLine ? columnLine.sum : ''),
    h('td', {})));
  table.appendChild(body);
  const label = `${grid.rows.label} × ${grid.columns.label}`;
  const root = h('div', { class: 'grid-dimension crosstab-wrap', testid, aria: { label } },
    h('div', { class: 'grid-dimension-label' }, label), table);
  root.setAttribute('role', 'group');
  return { root, block: drawn };
}

// Updates the sums beside each row and in each two-way table from
// `text(index)` (API decimals).
export function updateSums(blocks: IndicatorBlock[], text: (index: number) => string | null): void {
  for (const block of blocks) {
    for (const drawn of block.grids) {
      const sums = gridSums(drawn.grid, text);
      const show = (element: HTMLElement, sum: (typeof sums)['grand']) => {
        element.textContent = sumForOfficials(sum);
        element.dataset.value = sum.value ?? '';
        element.dataset.complete = String(sum.complete);
        element.classList.toggle('partial', !sum.complete && (sum.value ?? '') !== '');
      };
      sums.rows.forEach((sum, r) => show(drawn.rowSums[r], sum));
      sums.columns.forEach((sum, c) => show(drawn.columnSums[c], sum));
      show(drawn.grand, sums.grand);
      for (const { index, element } of drawn.mirrors) element.textContent = valueForOfficials(text(index) ?? '');
    }
    for (const row of block.rows) {
      const parts = row.indices.map(text).filter((v) => v !== '');
      const sum = parts.includes(null) ? null : sumExact(parts as string[]);
      row.sum.textContent = sum === null ? '?' : valueForOfficials(parts.length ? sum : '');
      row.sum.dataset.value = sum ?? '';
    }
  }
}
