import { afterEach, describe, expect, it, vi } from 'vitest';
import { pythonCalculate } from './python-arithmetic.js';
import { PYTHON_CALCULATE_CASES } from './test-support/python-calculate-cases.js';

/** What calculate may answer: a Python float repr, or an error text. */
const NUMBER_OR_ERROR = /^(-?\d+\.\d+(e[+-]\d+)?|-?\d(\.\d+)?e[+-]\d+|-?inf|nan|Error: .+)$/s;
/** Upper bound for one hostile expression, ms: no input makes the evaluator crawl. */
const HOSTILE_TIME_LIMIT_MS = 2_000;

describe('pythonCalculate', () => {
  it.each(PYTHON_CALCULATE_CASES)('%j gives what CPython gave: %j', (expression, expected) => {
    expect(pythonCalculate(expression)).toBe(expected);
  });

  it('refuses int literals of more than 4300 digits, as CPython 3.11 does', () => {
    const limit = (digits: number) =>
      `Error: Exceeds the limit (4300 digits) for integer string conversion: value has ${digits} digits; use sys.set_int_max_str_digits() to increase the limit - Consider hexadecimal for huge integer literals to avoid decimal conversion limits. (<string>, line 1)`;
    expect(pythonCalculate('9'.repeat(4301))).toBe(limit(4301));
    expect(pythonCalculate(`(${'9'.repeat(5000)}`)).toBe(limit(5000));
    expect(pythonCalculate(`${'9'.repeat(4300)}+1`)).toBe('Error: int too large to convert to float');
    expect(pythonCalculate('0'.repeat(5000))).toBe('0.0');
    expect(pythonCalculate(`${'9'.repeat(5000)}.5`)).toBe('inf');
  });

  it('allows 200 nested parentheses, as CPython does, and not 201', () => {
    const nested = (depth: number) => `${'('.repeat(depth)}1${')'.repeat(depth)}`;
    expect(pythonCalculate(nested(200))).toBe('1.0');
    expect(pythonCalculate(nested(201))).toBe('Error: too many nested parentheses (<string>, line 1)');
  });
});

describe('pythonCalculate on hostile input', () => {
  afterEach(() => vi.restoreAllMocks());

  const hostile = [
    'process.exit()',
    'constructor.constructor("return process")()',
    "__import__('os').system('ls')",
    '1e309',
    '`${1+1}`',
    '${7*7}',
    'this',
    'globalThis',
    'x',
    '2**10',
    '9**9**9',
    '2**2**2**2**2**2',
    `${'2**'.repeat(1000)}2`,
    `${'1+'.repeat(100_000)}1`,
    `${'-'.repeat(100_000)}1`,
    `${'('.repeat(10_000)}1${')'.repeat(10_000)}`,
    `${'(1'.repeat(150)}${')'.repeat(150)}`,
    '9'.repeat(100_000),
    `${'9'.repeat(5000)}.5`,
    '(10**100000)*(10**100000)*(10**100000)',
    '1/0.0000000000000000000000000000001',
    '\u0000',
    '1;2',
    '[]',
    '{}',
    '1 if 1 else 2',
  ];

  it.each(hostile.map((expression) => [expression.slice(0, 40), expression]))(
    '%j evaluates no code and answers a number or an error',
    (_label, expression) => {
      const evalSpy = vi.spyOn(globalThis, 'eval');
      const started = performance.now();
      const answer = pythonCalculate(expression);
      expect(performance.now() - started).toBeLessThan(HOSTILE_TIME_LIMIT_MS);
      expect(answer).toMatch(NUMBER_OR_ERROR);
      expect(evalSpy).not.toHaveBeenCalled();
    },
  );

  it('refuses letters, quotes and backticks before looking at the expression', () => {
    for (const expression of ['process.exit()', '`1`', "'1'", '1e3', 'a', '1_000']) {
      expect(pythonCalculate(expression)).toBe('Error: invalid characters in expression');
    }
    expect(pythonCalculate('2**10')).toBe('1024.0');
  });

  it('answers a number or an error for thousands of random expressions (seeded)', () => {
    let state = 0x2545f491;
    const random = () => {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      return (state >>> 0) / 2 ** 32;
    };
    const pieces = [...'0123456789+-*/(). ', '**', '//', '...', '()', '1.5', 'e', 'x', '"', '`', '[', ','];
    for (let count = 0; count < 5_000; count++) {
      const length = Math.floor(random() * 30);
      let expression = '';
      for (let index = 0; index < length; index++) expression += pieces[Math.floor(random() * pieces.length)];
      expect(pythonCalculate(expression), expression).toMatch(NUMBER_OR_ERROR);
    }
  });
});
