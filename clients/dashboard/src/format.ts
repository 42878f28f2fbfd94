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
