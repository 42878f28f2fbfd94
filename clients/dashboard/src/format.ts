// Numbers and dates in the reader's language: Vietnamese conventions
// (Intl 'vi-VN': 1.250,5 and 05/11/2026) by default, British English ones
// (1,250.5 and 05/11/2026) on the English toggle.
//
// Figures arrive from the API as exact decimal strings; they are formatted
// digit by digit, never through floating point, so what is shown is exactly
// what was computed.

import { lang } from './i18n';

export function locale(): string {
  return lang() === 'vi' ? 'vi-VN' : 'en-GB';
}

interface Separators {
  group: string;
  decimal: string;
}

const separatorCache = new Map<string, Separators>();

function separators(loc: string): Separators {
  let cached = separatorCache.get(loc);
  if (!cached) {
    const parts = new Intl.NumberFormat(loc).formatToParts(12345.6);
    cached = {
      group: parts.find((p) => p.type === 'group')?.value ?? ',',
      decimal: parts.find((p) => p.type === 'decimal')?.value ?? '.',
    };
    separatorCache.set(loc, cached);
  }
  return cached;
}

// Formats an exact decimal string ("1250", "-3.50", "+12") with the
// locale's grouping and decimal mark. Anything else is returned unchanged.
export function formatExact(value: string | undefined, loc: string = locale()): string {
  if (value === undefined || value === '') return '';
  const match = /^([+-]?)(\d+)(?:\.(\d+))?$/.exec(value);
  if (!match) return value;
  const [, sign, integer, fraction] = match;
  const { group, decimal } = separators(loc);
  let grouped = '';
  for (let i = 0; i < integer.length; i++) {
    if (i > 0 && (integer.length - i) % 3 === 0) grouped += group;
    grouped += integer[i];
  }
  const signText = sign === '-' ? '−' : sign;
  return signText + grouped + (fraction ? decimal + fraction : '');
}

export function formatCount(value: number | undefined, loc: string = locale()): string {
  return new Intl.NumberFormat(loc).format(value ?? 0);
}

export function formatPercent(numerator: number, denominator: number): string {
  if (denominator <= 0) return '—';
  return new Intl.NumberFormat(locale(), {
    style: 'percent',
    maximumFractionDigits: 1,
  }).format(numerator / denominator);
}

// Four-digit years and two-digit days: "05/11/2026", as documents write
// dates.
const DATE: Intl.DateTimeFormatOptions = { day: '2-digit', month: '2-digit', year: 'numeric' };

export interface ProtoDate {
  year?: number;
  month?: number;
  day?: number;
}

export function formatDate(date: ProtoDate | undefined): string {
  if (!date || !date.year) return '';
  const d = new Date(Date.UTC(date.year, (date.month ?? 1) - 1, date.day ?? 1));
  return new Intl.DateTimeFormat(locale(), { ...DATE, timeZone: 'UTC' }).format(d);
}

// A google.protobuf.Timestamp in JSON ("2026-11-04T08:30:00Z"), shown in
// Vietnam's time zone, where the deadlines are.
export function formatTimestamp(value: string | undefined): string {
  if (!value) return '';
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return value;
  return new Intl.DateTimeFormat(locale(), {
    ...DATE,
    hour: '2-digit',
    minute: '2-digit',
    timeZone: 'Asia/Ho_Chi_Minh',
  }).format(d);
}

// The day of a Timestamp in Vietnam's time zone (a due date), without the
// time.
export function formatDay(value: string | undefined): string {
  if (!value) return '';
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return value;
  return new Intl.DateTimeFormat(locale(), { ...DATE, timeZone: 'Asia/Ho_Chi_Minh' }).format(d);
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

// Exact sum of API decimal strings ("1200", "90.38"), by digits through
// BigInt so that totals shown while typing are exact; null when any is not
// a decimal.
export function sumExact(values: string[]): string | null {
  let scale = 0;
  for (const value of values) {
    const match = /^-?\d+(?:\.(\d+))?$/.exec(value);
    if (!match) return null;
    scale = Math.max(scale, match[1]?.length ?? 0);
  }
  let total = 0n;
  for (const value of values) {
    const negative = value.startsWith('-');
    const [integer, fraction = ''] = value.replace('-', '').split('.');
    const units = BigInt(integer + fraction.padEnd(scale, '0'));
    total += negative ? -units : units;
  }
  const negative = total < 0n;
  const digits = (negative ? -total : total).toString().padStart(scale + 1, '0');
  const integer = digits.slice(0, digits.length - scale);
  const fraction = scale ? digits.slice(digits.length - scale).replace(/0+$/, '') : '';
  return `${negative ? '-' : ''}${integer}${fraction ? `.${fraction}` : ''}`;
}
