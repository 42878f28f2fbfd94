// Numbers, percentages, dates and times as officials read them: the
// dashboard's copy of services/common/display_format.h, with the same rules,
// tested against the same table (services/common/testdata/
// display_format_cases.tsv, by test/display_format.test.mjs). Vietnamese
// writes "1.234.567,5" and 07/11/2026; English "1,234,567.5" and the same
// dates. Times are shown in Vietnam time (UTC+7, no daylight saving), the
// zone services/common/period.h defines for every due date.
//
// Figures arrive from the API as exact decimal strings; they are regrouped
// character by character, never through floating point, so what is shown
// is exactly what was computed. No imports: pure functions.

export type Language = 'vi' | 'en';

// Vietnam's offset from UTC, as in services/common/period.h.
const VIETNAM_OFFSET_MS = 7 * 60 * 60 * 1000;

const DECIMAL = /^([+-]?)(\d+)(?:\.(\d+))?$/;

// An exact decimal ("1234567.5", "-3.50", "+12") with the language's
// grouping and decimal mark. Anything else is returned unchanged.
export function formatNumber(exact: string | undefined, language: Language): string {
  if (exact === undefined) return '';
  const match = DECIMAL.exec(exact);
  if (!match) return exact;
  const [, sign, whole, fraction] = match;
  const group = language === 'en' ? ',' : '.';
  const decimal = language === 'en' ? '.' : ',';
  let out = sign;
  for (let i = 0; i < whole.length; i++) {
    if (i > 0 && (whole.length - i) % 3 === 0) out += group;
    out += whole[i];
  }
  return fraction !== undefined ? out + decimal + fraction : out;
}

export function formatCount(count: number | undefined, language: Language): string {
  return formatNumber(String(Math.trunc(count ?? 0)), language);
}

// An exact percentage as written in running text: "90.38" → "90,38%".
export function formatPercent(exact: string | undefined, language: Language): string {
  if (exact === undefined || !DECIMAL.test(exact)) return exact ?? '';
  return `${formatNumber(exact, language)}%`;
}

function two(n: number): string {
  return String(n).padStart(2, '0');
}

// A day: {year, month, day} (google.type.Date) or "YYYY-MM-DD" → "07/11/2026".
export function formatDate(date: { year?: number; month?: number; day?: number } | string | undefined): string {
  if (date === undefined) return '';
  if (typeof date === 'string') {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
    if (!m) return date;
    return `${m[3]}/${m[2]}/${m[1]}`;
  }
  if (!date.year) return '';
  return `${two(date.day || 1)}/${two(date.month || 1)}/${String(date.year).padStart(4, '0')}`;
}

// A moment (an RFC 3339 timestamp, as protobuf's JSON mapping writes one)
// in Vietnam time, as a Date whose UTC fields are Vietnam's wall clock;
// undefined when it does not parse.
function vietnamClock(timestamp: string): Date | undefined {
  const ms = Date.parse(timestamp);
  return Number.isNaN(ms) ? undefined : new Date(ms + VIETNAM_OFFSET_MS);
}

function dayOf(local: Date): string {
  return `${two(local.getUTCDate())}/${two(local.getUTCMonth() + 1)}/${local.getUTCFullYear()}`;
}

// The day of a moment in Vietnam time (a due date): "07/11/2026".
export function formatDay(timestamp: string | undefined): string {
  if (!timestamp) return '';
  const local = vietnamClock(timestamp);
  return local ? dayOf(local) : timestamp;
}

// A moment in Vietnam time: "14:05, 07/11/2026".
export function formatDateTime(timestamp: string | undefined): string {
  if (!timestamp) return '';
  const local = vietnamClock(timestamp);
  if (!local) return timestamp;
  return `${two(local.getUTCHours())}:${two(local.getUTCMinutes())}, ${dayOf(local)}`;
}
