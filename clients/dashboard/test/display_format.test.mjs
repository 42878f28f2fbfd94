// The dashboard's display_format.ts against the table the C++ formatting
// module (services/common/display_format.h) is tested with, so that the
// dashboard, the CLI and the compiled reports write figures alike.
//
//   npm test   (compiles src/display_format.ts into build-unit/ first)

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { formatDate, formatDateTime, formatDay, formatNumber, formatPercent } from '../build-unit/display_format.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const table = path.join(here, '../../../services/common/testdata/display_format_cases.tsv');

const cases = fs.readFileSync(table, 'utf8').split('\n')
  .filter((line) => line !== '' && !line.startsWith('#'))
  .map((line) => {
    const fields = line.split('\t');
    assert.equal(fields.length, 4, `not kind<TAB>input<TAB>vi<TAB>en: ${line}`);
    const [kind, input, vi, en] = fields;
    return { kind, input, vi, en };
  });

function apply({ kind, input }, language) {
  switch (kind) {
    case 'number': return formatNumber(input, language);
    case 'percent': return formatPercent(input, language);
    case 'date': return formatDate(input);
    case 'datetime': return formatDateTime(input);
    case 'day': return formatDay(input);
    default: throw new Error(`unknown kind ${kind}`);
  }
}

test('every shared case formats as in C++', () => {
  assert.ok(cases.length > 20);
  for (const c of cases) {
    assert.equal(apply(c, 'vi'), c.vi, `${c.kind} ${JSON.stringify(c.input)} (vi)`);
    assert.equal(apply(c, 'en'), c.en, `${c.kind} ${JSON.stringify(c.input)} (en)`);
  }
});

test('proto dates', () => {
  assert.equal(formatDate({ year: 2026, month: 11, day: 5 }), '05/11/2026');
  assert.equal(formatDate({}), '');
});
