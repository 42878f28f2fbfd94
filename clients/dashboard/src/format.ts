// Numbers and dates in the reader's language, by the rules of
// display_format.ts (the same as the CLI's and the compiled reports'):
// Vietnamese "1.250,5" and 05/11/2026 by default, English "1,250.5" and
// 05/11/2026 on the toggle; times in Vietnam time.

import * as display from './display_format';
import { lang } from './i18n';

// Formats an exact decimal string ("1250", "-3.50", "+12").
export function formatExact(value: string | undefined): string {
  return display.formatNumber(value ?? '', lang());
}

// A count or a chart's axis value (a plain JavaScript number).
export function formatCount(value: number | undefined): string {
  const n = value ?? 0;
  return display.formatNumber(Number.isFinite(n) ? String(n) : '', lang());
}

// The share `numerator` / `denominator` of two counts as a percentage with
// one decimal, rounded half up in integers (no floating-point drift); "—"
// when the denominator is 0.
export function formatPercent(numerator: number, denominator: number): string {
  if (denominator <= 0) return '—';
  const tenths = Math.round((numerator * 1000) / denominator);
  return display.formatPercent(`${Math.trunc(tenths / 10)}.${tenths % 10}`, lang());
}

export interface ProtoDate {
  year?: number;
  month?: number;
  day?: number;
}

export function formatDate(date: ProtoDate | undefined): string {
  return display.formatDate(date);
}

// A google.protobuf.Timestamp in JSON ("2026-11-04T08:30:00Z") in Vietnam's
// time zone, where the deadlines are: "15:30, 04/11/2026".
export function formatTimestamp(value: string | undefined): string {
  return display.formatDateTime(value);
}

// The day of a Timestamp in Vietnam's time zone (a due date), without the
// time: "04/11/2026".
export function formatDay(value: string | undefined): string {
  return display.formatDay(value);
}

// A number as an official types it into a form, read the Vietnamese way
// whatever the page's language (the same reading as the CLI's, in
// clients/client/report_file.h): dots group thousands ("1.200"), a comma
// starts the fraction ("90,38"). Also taken: plain digits ("1200") and a
// single dot not followed by exactly three digits ("2.5"). Returns the
// API's decimal text ("1200", "90.38", "-1234.5"), "" for an empty field,
// or null when the text is not a number. Whether the number is allowed
// (whole, not negative, …) is for the server to say.
export function parseTypedNumber(typed: string): string | null {
  const text = typed.trim().replace(/\s+/g, '').replace(/^[−–]/, '-');
  if (text === '') return '';
  const match = /^([+-]?)(.*)$/.exec(text) as RegExpExecArray;
  const sign = match[1] === '-' ? '-' : '';
  const body = match[2];
  let integer: string;
  let fraction = '';
  if (/^\d{1,3}(\.\d{3})+(,\d+)?$/.test(body)) {
    // 1.200 or 1.234,5: grouped thousands.
    const [whole, frac = ''] = body.split(',');
    integer = whole.replace(/\./g, '');
    fraction = frac;
  } else if (/^\d+(,\d+)?$/.test(body)) {
    [integer, fraction = ''] = body.split(',');
  } else if (/^\d+\.\d+$/.test(body) && !/^\d{1,3}\.\d{3}$/.test(body)) {
    [integer, fraction] = body.split('.');
  } else {
    return null;
  }
  integer = integer.replace(/^0+(?=\d)/, '');
  fraction = fraction.replace(/0+$/, '');
  const result = fraction ? `${integer}.${fraction}` : integer;
  return sign && /[1-9]/.test(result) ? `-${result}` : result;
}

// Exact sums are computed without the DOM (exact.ts), so that they can be
// unit-tested under node.
export { sumExact } from './exact';
