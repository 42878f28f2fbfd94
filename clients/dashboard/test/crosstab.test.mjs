// The two-way grid's sums (src/crosstab.ts): row, column and grand totals
// computed exactly as the clerk types, blanks counted as unknown.
//
//   npm test   (compiles src/crosstab.ts into build-unit/ first)

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { findGrids, gridSums, lineSum, sumForOfficials } from '../build-unit/crosstab.js';

const sex = { code: 'sex', label: 'Giới tính', options: [{ code: 'male', label: 'Nam' }, { code: 'female', label: 'Nữ' }] };
const age = {
  code: 'age-group', label: 'Nhóm tuổi',
  options: [{ code: 'under-16', label: 'Dưới 16' }, { code: '16-17', label: '16–17' }, { code: 'over-60', label: 'Trên 60' }],
};
const dimensions = new Map([['sex', sex], ['age-group', age]]);
const I = 'indicators/trafficking-victims-supported';

// A report's values as the draft lays them out: the total, one-dimension
// cells, then the crossed ones (keys in any order).
function draft() {
  const values = [{ indicator: 'indicators/other' }, { indicator: I }];
  for (const o of sex.options) values.push({ indicator: I, cells: { sex: o.code } });
  for (const o of age.options) values.push({ indicator: I, cells: { 'age-group': o.code } });
  for (const r of sex.options) {
    for (const c of age.options) values.push({ indicator: I, cells: { 'age-group': c.code, sex: r.code } });
  }
  return values;
}

test('a grid finds its cells and margins by their cells, whatever their order', () => {
  const [grid] = findGrids(I, [{ rows: 'dimensions/sex', columns: 'dimensions/age-group' }], dimensions, draft());
  assert.deepEqual(grid.rowMargins, [2, 3]);
  assert.deepEqual(grid.columnMargins, [4, 5, 6]);
  assert.deepEqual(grid.cells, [[7, 8, 9], [10, 11, 12]]);
  assert.equal(grid.rows.code, 'sex');
  // A crossing of unknown or equal dimensions draws no grid.
  assert.equal(findGrids(I, [{ rows: 'dimensions/sex', columns: 'dimensions/religion' }], dimensions, draft()).length, 0);
  assert.equal(findGrids(I, [{ rows: 'dimensions/sex', columns: 'dimensions/sex' }], dimensions, draft()).length, 0);
  // A report without slots for some cells (a submitted one): undefined.
  const [partial] = findGrids(I, [{ rows: 'dimensions/sex', columns: 'dimensions/age-group' }], dimensions, draft().slice(0, 8));
  assert.deepEqual(partial.cells, [[7, undefined, undefined], [undefined, undefined, undefined]]);
});

test('row, column and grand totals are exact and follow what is typed', () => {
  const [grid] = findGrids(I, [{ rows: 'dimensions/sex', columns: 'dimensions/age-group' }], dimensions, draft());
  const typed = new Map([[7, '1200'], [8, '300'], [9, '0.5'], [10, '1'], [11, '2'], [12, '3'], [2, '1500.5'], [4, '1201']]);
  const sums = gridSums(grid, (i) => typed.get(i) ?? '');
  assert.deepEqual(sums.rows, [{ value: '1500.5', complete: true }, { value: '6', complete: true }]);
  assert.deepEqual(sums.columns.map((c) => c.value), ['1201', '302', '3.5']);
  assert.deepEqual(sums.grand, { value: '1506.5', complete: true });
  assert.equal(sumForOfficials(sums.grand), '1.506,5');
  assert.equal(sumForOfficials(sums.grand, 'en'), '1,506.5');
  // Margins: only sex=male and age=under-16 given so far.
  assert.deepEqual(sums.rowMargins, { value: '1500.5', complete: false });
  assert.deepEqual(sums.columnMargins, { value: '1201', complete: false });
});

test('a blank cell is unknown: the sum so far says so, and nothing is 0', () => {
  assert.deepEqual(lineSum(['', '', '']), { value: '', complete: false });
  assert.equal(sumForOfficials(lineSum(['', ''])), '');
  assert.deepEqual(lineSum(['7', '', '5']), { value: '12', complete: false });
  assert.equal(sumForOfficials(lineSum(['7', '', '5'])), '12 + …');
  assert.equal(sumForOfficials(lineSum(['0', '0'])), '0');
  // A cell that is not a number makes its lines' sums unknown.
  assert.deepEqual(lineSum(['7', null]), { value: null, complete: false });
  assert.equal(sumForOfficials(lineSum(['7', null])), '?');
  assert.deepEqual(lineSum([]), { value: '', complete: true });
});
