// Python's float behaviour where the original tools depend on it: `round(x, n)` (correctly rounded,
// ties to even on the exact binary value) and `repr(x)` (shortest round-trip digits, `247.0`, `1e+16`).

/** Python's `round(value, digits)` for a float: the double nearest the exact value rounded half-to-even. */
export function pythonRound(value: number, digits = 2): number {
  // Doubles of magnitude 2**52 and above are integers already; Python returns them unchanged.
  if (!Number.isFinite(value) || value === 0 || Math.abs(value) >= 2 ** 52) return value;
  // toFixed rounds the exact binary value and breaks a tie away from zero; Python breaks it to even.
  const magnitude = Math.abs(value);
  let text = magnitude.toFixed(digits);
  if (isExactTie(magnitude, digits)) {
    const units = BigInt(text.replace('.', ''));
    if (units % 2n === 1n) text = withDecimalPoint((units - 1n).toString(), digits);
  }
  const rounded = Number(text);
  return value < 0 ? -rounded : rounded;
}

/** Whether `magnitude * 10**digits` lies exactly halfway between two integers. */
function isExactTie(magnitude: number, digits: number): boolean {
  // magnitude = j / 2**(digits+1) with j odd ⇔ magnitude * 10**digits = j * 5**digits / 2, an odd half.
  return Number.isInteger(magnitude * 2 ** (digits + 1)) && !Number.isInteger(magnitude * 2 ** digits);
}

function withDecimalPoint(units: string, digits: number): string {
  const padded = units.padStart(digits + 1, '0');
  return digits === 0 ? padded : `${padded.slice(0, -digits)}.${padded.slice(-digits)}`;
}

/** Python's `repr(float)`: `247.0`, `0.1`, `1e+16`, `1e-05`, `-0.0`, `inf`, `nan`. */
export function pythonFloatRepr(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  const sign = value < 0 ? '-' : '';
  // toExponential() without an argument gives the shortest digits that round-trip, as repr does.
  const [mantissa, exponentText] = Math.abs(value).toExponential().split('e');
  const digits = mantissa.replace('.', '');
  const exponent = Number(exponentText);
  if (exponent >= 16 || exponent < -4) {
    const fraction = digits.length > 1 ? `.${digits.slice(1)}` : '';
    const exponentSign = exponent < 0 ? '-' : '+';
    return `${sign}${digits[0]}${fraction}e${exponentSign}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  const whole = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0');
  return `${sign}${whole}.${digits.slice(exponent + 1) || '0'}`;
}
