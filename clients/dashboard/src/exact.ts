// Exact decimal arithmetic on the API's decimal strings, without the DOM
// (unit-tested under node).

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
