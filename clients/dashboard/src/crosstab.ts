// Two-way grids: an indicator that asks for a crossing of two of its
// dimensions (Indicator.crossings, e.g. sex × age group) is entered and
// read as a table whose rows are the first dimension's options and whose
// columns are the second's. This module finds a grid's values in a report
// and computes the sums shown as the clerk types, without the DOM, so that
// they can be unit-tested under node; views/figures.ts draws the grid.
//
// A blank crossed cell is unknown, not 0 (the server's rule too): a sum of
// a line with a blank cell is only the sum so far and says so.

// Named by their .js files, as node resolves them in the unit tests.
import { formatNumber, type Language } from './display_format.js';
import { sumExact } from './exact.js';

// Indicator.crossings as the API gives it.
export interface Crossing {
  rows?: string;
  columns?: string;
}

// A report value's place: its indicator and cells (dimension code → option).
export interface Slot {
  indicator: string;
  cells?: Record<string, string>;
}

export interface GridOption {
  code: string;
  label: string;
}

export interface GridDimension {
  code: string;  // "sex"
  label: string; // "Giới tính"
  options: GridOption[];
}

// Where one grid's values are, by index into the report's values
// (undefined: the report has no slot for it).
export interface CrossGrid {
  indicator: string;
  rows: GridDimension;
  columns: GridDimension;
  // cells[r][c]: the crossed value of row option r and column option c.
  cells: (number | undefined)[][];
  // The one-dimension values the grid's lines add up to.
  rowMargins: (number | undefined)[];
  columnMargins: (number | undefined)[];
}

const dimensionCode = (name: string) => name.replace(/^dimensions\//, '');

function slotKey(indicator: string, cells: Record<string, string>): string {
  return `${indicator}|${Object.entries(cells).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([d, o]) => `${d}=${o}`).join(',')}`;
}

// The grids of `indicator` over `values`: one per crossing it asks for
// whose dimensions `dimensions` knows (by code).
export function findGrids(
  indicator: string,
  crossings: Crossing[],
  dimensions: Map<string, GridDimension>,
  values: Slot[],
): CrossGrid[] {
  const index = new Map<string, number>();
  values.forEach((v, i) => {
    if (v.indicator === indicator) index.set(slotKey(indicator, v.cells ?? {}), i);
  });
  const grids: CrossGrid[] = [];
  for (const crossing of crossings) {
    const rows = dimensions.get(dimensionCode(crossing.rows ?? ''));
    const columns = dimensions.get(dimensionCode(crossing.columns ?? ''));
    if (!rows || !columns || rows.code === columns.code) continue;
    grids.push({
      indicator,
      rows,
      columns,
      cells: rows.options.map((r) => columns.options.map((c) =>
        index.get(slotKey(indicator, { [rows.code]: r.code, [columns.code]: c.code })))),
      rowMargins: rows.options.map((r) => index.get(slotKey(indicator, { [rows.code]: r.code }))),
      columnMargins: columns.options.map((c) => index.get(slotKey(indicator, { [columns.code]: c.code }))),
    });
  }
  return grids;
}

// The sum of one line of cells. `value` is the API's decimal text, "" when
// no cell is given, null when a cell is not a number; `complete` when
// every cell is given.
export interface LineSum {
  value: string | null;
  complete: boolean;
}

// `texts`: each cell as API decimal text, "" when blank, null when what is
// typed is not a number.
export function lineSum(texts: (string | null)[]): LineSum {
  if (texts.includes(null)) return { value: null, complete: false };
  const given = texts.filter((t) => t !== '') as string[];
  return { value: given.length ? sumExact(given) : '', complete: given.length === texts.length };
}

export interface GridSums {
  rows: LineSum[];          // across each row
  columns: LineSum[];       // down each column
  grand: LineSum;           // every crossed cell
  rowMargins: LineSum;      // the one-dimension values of the rows
  columnMargins: LineSum;   // the one-dimension values of the columns
}

// The grid's sums from `text(index)`, each value as API decimal text (""
// blank, null not a number). A cell without a slot counts as blank.
export function gridSums(grid: CrossGrid, text: (index: number) => string | null): GridSums {
  const at = (index: number | undefined) => (index === undefined ? '' : text(index));
  return {
    rows: grid.cells.map((line) => lineSum(line.map(at))),
    columns: grid.columns.options.map((_, c) => lineSum(grid.cells.map((line) => at(line[c])))),
    grand: lineSum(grid.cells.flat().map(at)),
    rowMargins: lineSum(grid.rowMargins.map(at)),
    columnMargins: lineSum(grid.columnMargins.map(at)),
  };
}

// A computed sum for officials: "1.500"; while blanks remain, the sum so
// far followed by "+ …" ("1.200 + …"); "?" when a cell is not a number;
// "" when nothing is given.
export function sumForOfficials(sum: LineSum, language: Language = 'vi'): string {
  if (sum.value === null) return '?';
  if (sum.value === '') return '';
  const shown = formatNumber(sum.value, language);
  return sum.complete ? shown : `${shown} + …`;
}
