// Python 3.11 number semantics for the `calculate` tool: exact ints (BigInt), IEEE floats with
// Python's division, floor division and power rules, and the TypeErrors of tuples and Ellipsis.

import { pythonFloatRepr } from './python-float.js';

/** A value an arithmetic expression can produce. Complex results are tracked by type only. */
export type PythonValue =
  | { readonly type: 'int'; readonly value: bigint }
  | { readonly type: 'float'; readonly value: number }
  | { readonly type: 'complex' }
  | { readonly type: 'tuple' }
  | { readonly type: 'ellipsis' };

/** A Python exception, carrying the text `str(exception)` gives. */
export class PythonException extends Error {}

/** Ints beyond this many bits stand in for "too large": Python would spend minutes or run out of memory. */
export const MAX_INT_BITS = 1 << 20;

/** An operator of a binary operation. */
export type BinaryOperator = '+' | '-' | '*' | '/' | '//' | '**';

const int = (value: bigint): PythonValue => ({ type: 'int', value });
const float = (value: number): PythonValue => ({ type: 'float', value });

/** `float(value)`, as the tool applies it to the result. */
export function toPythonFloat(value: PythonValue): number {
  if (value.type === 'float') return value.value;
  if (value.type === 'int') return intToFloat(value.value);
  throw new PythonException(`float() argument must be a string or a real number, not '${value.type}'`);
}

/** `+value` or `-value`. */
export function applySign(sign: '+' | '-', value: PythonValue): PythonValue {
  if (value.type === 'int') return sign === '-' ? int(-value.value) : value;
  if (value.type === 'float') return sign === '-' ? float(-value.value) : value;
  if (value.type === 'complex') return value;
  throw new PythonException(`bad operand type for unary ${sign}: '${value.type}'`);
}

/** `left operator right` with Python's coercions and errors. */
export function applyBinary(operator: BinaryOperator, left: PythonValue, right: PythonValue): PythonValue {
  if (isSequenceLike(left) || isSequenceLike(right)) return sequenceBinary(operator, left, right);
  if (left.type === 'complex' || right.type === 'complex') {
    if (operator === '//') throw unsupported(operator, left, right);
    return { type: 'complex' };
  }
  if (left.type === 'int' && right.type === 'int') return intBinary(operator, left.value, right.value);
  const x = toPythonFloat(left);
  const y = toPythonFloat(right);
  switch (operator) {
    case '+':
      return float(x + y);
    case '-':
      return float(x - y);
    case '*':
      return float(x * y);
    case '/':
      if (y === 0) throw new PythonException('float division by zero');
      return float(x / y);
    case '//':
      if (y === 0) throw new PythonException('float floor division by zero');
      return float(floatFloorDivide(x, y));
    case '**':
      return floatPower(x, y);
  }
}

function isSequenceLike(value: PythonValue): boolean {
  return value.type === 'tuple' || value.type === 'ellipsis';
}

function intBinary(operator: BinaryOperator, x: bigint, y: bigint): PythonValue {
  switch (operator) {
    case '+':
      return int(x + y);
    case '-':
      return int(x - y);
    case '*':
      if (bitLength(x) + bitLength(y) > MAX_INT_BITS) throw tooLarge();
      return int(x * y);
    case '/':
      if (y === 0n) throw new PythonException('division by zero');
      return float(intTrueDivide(x, y));
    case '//': {
      if (y === 0n) throw new PythonException('integer division or modulo by zero');
      const quotient = x / y;
      return int(x % y !== 0n && x < 0n !== y < 0n ? quotient - 1n : quotient);
    }
    case '**':
      // A negative exponent makes it a float power of the converted operands.
      return y < 0n ? floatPower(intToFloat(x), intToFloat(y)) : int(intPower(x, y));
  }
}

function intPower(base: bigint, exponent: bigint): bigint {
  if (exponent === 0n) return 1n;
  if (base === 0n || base === 1n) return base;
  if (base === -1n) return exponent % 2n === 0n ? 1n : -1n;
  // A lower bound of the result's size: |base| ≥ 2**(bits-1).
  if (BigInt(bitLength(base) - 1) * exponent > BigInt(MAX_INT_BITS)) throw tooLarge();
  return base ** exponent;
}

/** Python's `float.__floordiv__` (CPython `_float_div_mod`). */
function floatFloorDivide(x: number, y: number): number {
  const mod = x % y; // fmod
  let quotient = (x - mod) / y;
  if (mod !== 0 && y < 0 !== mod < 0) quotient -= 1;
  if (quotient === 0) {
    const ratio = x / y;
    return ratio < 0 || Object.is(ratio, -0) ? -0 : 0; // copysign(0.0, x / y)
  }
  const floored = Math.floor(quotient);
  return quotient - floored > 0.5 ? floored + 1 : floored;
}

/** Python's `float.__pow__` (CPython `float_pow`), including its errors and complex results. */
function floatPower(x: number, y: number): PythonValue {
  const isOddInteger = (value: number): boolean => Math.abs(value) % 2 === 1;
  if (y === 0) return float(1);
  if (Number.isNaN(x)) return float(x);
  if (Number.isNaN(y)) return float(x === 1 ? 1 : y);
  if (!Number.isFinite(y)) {
    const magnitude = Math.abs(x);
    if (magnitude === 1) return float(1);
    return float(y > 0 === magnitude > 1 ? Infinity : 0);
  }
  if (!Number.isFinite(x)) {
    if (y > 0) return float(isOddInteger(y) ? x : Math.abs(x));
    return float(isOddInteger(y) ? (x < 0 ? -0 : 0) : 0);
  }
  if (x === 0) {
    if (y < 0) throw new PythonException('0.0 cannot be raised to a negative power');
    return float(isOddInteger(y) ? x : 0);
  }
  let base = x;
  let negate = false;
  if (base < 0) {
    if (y !== Math.floor(y)) {
      // CPython's complex power: |x| ** y overflowing is an OverflowError; the value is not tracked.
      if (!Number.isFinite(Math.pow(-base, y))) throw new PythonException('complex exponentiation');
      return { type: 'complex' };
    }
    base = -base;
    negate = isOddInteger(y);
  }
  if (base === 1) return float(negate ? -1 : 1);
  const result = (Number.isInteger(y) ? exactIntegerPower(base, y) : undefined) ?? Math.pow(base, y);
  if (!Number.isFinite(result)) throw new PythonException("(34, 'Numerical result out of range')");
  return float(negate ? -result : result);
}

/**
 * `base ** exponent` for a positive base and an integer exponent, correctly rounded from the exact
 * rational value (glibc's pow, which CPython calls, is; V8's Math.pow can be an ulp off). Undefined
 * when the exact value would be too large to compute cheaply.
 */
function exactIntegerPower(base: number, exponent: number): number | undefined {
  let mantissa = base;
  let binaryExponent = 0;
  while (!Number.isInteger(mantissa)) {
    mantissa *= 2; // exact for doubles
    binaryExponent--;
  }
  const count = Math.abs(exponent);
  if (bitLength(BigInt(mantissa)) * count > 65_536) return undefined;
  const power = BigInt(mantissa) ** BigInt(count);
  let numerator = exponent > 0 ? power : 1n;
  let denominator = exponent > 0 ? 1n : power;
  const shift = binaryExponent * exponent;
  if (shift >= 0) numerator <<= BigInt(shift);
  else denominator <<= BigInt(-shift);
  try {
    return intTrueDivide(numerator, denominator);
  } catch {
    return Infinity; // overflow; the caller raises Python's OverflowError
  }
}

/** Python's `int / int`: the correctly rounded quotient. */
function intTrueDivide(x: bigint, y: bigint): number {
  const limit = 2n ** 53n;
  if (abs(x) <= limit && abs(y) <= limit) return Number(x) / Number(y);
  const negative = x < 0n !== y < 0n;
  let numerator = abs(x);
  let denominator = abs(y);
  if (numerator === 0n) return negative ? -0 : 0;
  // Scale so that the quotient has 55 or 56 bits; a sticky bit keeps the rounding correct.
  const shift = bitLength(numerator) - bitLength(denominator) - 55;
  if (shift > 0) denominator <<= BigInt(shift);
  else numerator <<= BigInt(-shift);
  const quotient = ((numerator / denominator) << 1n) | (numerator % denominator === 0n ? 0n : 1n);
  const half = Math.trunc((shift - 1) / 2);
  const magnitude = Number(quotient) * 2 ** half * 2 ** (shift - 1 - half);
  if (!Number.isFinite(magnitude)) throw new PythonException('integer division result too large for a float');
  return negative ? -magnitude : magnitude;
}

function sequenceBinary(operator: BinaryOperator, left: PythonValue, right: PythonValue): PythonValue {
  if (operator === '+' && left.type === 'tuple') {
    if (right.type === 'tuple') return left;
    throw new PythonException(`can only concatenate tuple (not "${right.type}") to tuple`);
  }
  if (operator === '*' && (left.type === 'tuple' || right.type === 'tuple')) {
    const count = left.type === 'tuple' ? right : left;
    if (count.type !== 'int')
      throw new PythonException(`can't multiply sequence by non-int of type '${count.type}'`);
    if (abs(count.value) >= 2n ** 63n)
      throw new PythonException("cannot fit 'int' into an index-sized integer");
    return { type: 'tuple' };
  }
  throw unsupported(operator, left, right);
}

function unsupported(operator: BinaryOperator, left: PythonValue, right: PythonValue): PythonException {
  const name = operator === '**' ? '** or pow()' : operator;
  return new PythonException(`unsupported operand type(s) for ${name}: '${left.type}' and '${right.type}'`);
}

/** Calling a number, tuple or Ellipsis: a TypeError, about the unpacked argument first. */
export function callError(callee: PythonValue, argument?: PythonValue, star?: '*' | '**'): PythonException {
  if (argument !== undefined && star === '**') {
    return new PythonException(
      `${pythonStr(callee)} argument after ** must be a mapping, not ${argument.type}`,
    );
  }
  if (argument !== undefined && star === '*' && argument.type !== 'tuple') {
    return new PythonException(
      `${pythonStr(callee)} argument after * must be an iterable, not ${argument.type}`,
    );
  }
  return new PythonException(`'${callee.type}' object is not callable`);
}

/** Python 3.11 refuses to read or print ints longer than this (`sys.get_int_max_str_digits()`). */
export const MAX_STR_DIGITS = 4300;

/** `str(value)`; a complex value is not tracked, so it prints as `complex`. */
function pythonStr(value: PythonValue): string {
  switch (value.type) {
    case 'int': {
      const digits = value.value.toString();
      if (digits.replace('-', '').length > MAX_STR_DIGITS) {
        throw new PythonException(
          `Exceeds the limit (${MAX_STR_DIGITS} digits) for integer string conversion; use sys.set_int_max_str_digits() to increase the limit`,
        );
      }
      return digits;
    }
    case 'float':
      return pythonFloatRepr(value.value);
    case 'tuple':
      return '()';
    case 'ellipsis':
      return 'Ellipsis';
    case 'complex':
      return 'complex';
  }
}

function intToFloat(value: bigint): number {
  const result = Number(value);
  if (!Number.isFinite(result)) throw new PythonException('int too large to convert to float');
  return result;
}

function tooLarge(): PythonException {
  return new PythonException('int too large to convert to float');
}

function abs(value: bigint): bigint {
  return value < 0n ? -value : value;
}

function bitLength(value: bigint): number {
  return value === 0n ? 0 : abs(value).toString(2).length;
}
