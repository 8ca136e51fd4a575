import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import { coerceValue } from './coerce-value.js';
import type { ConfigField, FieldKind } from './schema-fields.js';

function field(kind: FieldKind, choices?: string[]): ConfigField {
  return { key: 'x', flag: 'x', kind, description: 'X.', hasDefault: true, defaultValue: undefined, choices };
}

function failure(result: ReturnType<typeof coerceValue>): ConfigError {
  if (result.ok) throw new Error(`expected a failure, got ${JSON.stringify(result.value)}`);
  expect(result.error).toBeInstanceOf(ConfigError);
  expect(result.error.code).toBe('invalid_config');
  return result.error;
}

describe('coerceValue', () => {
  it('parses numbers, including exponents and negatives', () => {
    expect(coerceValue(field('number'), '1e-3', 'flag --x')).toEqual({ ok: true, value: 0.001 });
    expect(coerceValue(field('number'), '-2.5', 'flag --x')).toEqual({ ok: true, value: -2.5 });
  });

  it('rejects text, blanks and infinities for numbers, naming the source', () => {
    expect(failure(coerceValue(field('number'), 'abc', 'flag --x')).message).toBe(
      'flag --x: expected a number, got "abc"',
    );
    failure(coerceValue(field('number'), ' ', 'flag --x'));
    failure(coerceValue(field('number'), 'Infinity', 'flag --x'));
  });

  it('accepts whole numbers and rejects fractions for integers', () => {
    expect(coerceValue(field('integer'), '12', 's')).toEqual({ ok: true, value: 12 });
    expect(failure(coerceValue(field('integer'), '1.5', 's')).message).toMatch(/expected an integer/);
  });

  it('parses boolean words and rejects others', () => {
    for (const word of ['true', 'TRUE', '1', 'yes'])
      expect(coerceValue(field('boolean'), word, 's')).toEqual({ ok: true, value: true });
    for (const word of ['false', '0', 'no'])
      expect(coerceValue(field('boolean'), word, 's')).toEqual({ ok: true, value: false });
    expect(failure(coerceValue(field('boolean'), 'maybe', 's')).message).toMatch(/expected true or false/);
  });

  it('accepts enum choices and lists them on a miss', () => {
    const optimizer = field('enum', ['adam', 'sgd']);
    expect(coerceValue(optimizer, 'sgd', 's')).toEqual({ ok: true, value: 'sgd' });
    expect(failure(coerceValue(optimizer, 'rmsprop', 's')).message).toBe(
      's: expected one of adam, sgd, got "rmsprop"',
    );
  });

  it('keeps strings as they are', () => {
    expect(coerceValue(field('string'), ' a b ', 's')).toEqual({ ok: true, value: ' a b ' });
  });

  it('parses other kinds as JSON and rejects malformed JSON', () => {
    expect(coerceValue(field('json'), '[1,2]', 's')).toEqual({ ok: true, value: [1, 2] });
    expect(failure(coerceValue(field('json'), '[1,', 's')).message).toMatch(/expected JSON/);
    expect(coerceValue(field('json-or-text'), '{"width": 64}', 's')).toEqual({
      ok: true,
      value: { width: 64 },
    });
    expect(coerceValue(field('json-or-text'), 'models/smollm2', 's')).toEqual({
      ok: true,
      value: 'models/smollm2',
    });
    expect(failure(coerceValue(field('json-or-text'), '{"width": ', 's')).message).toMatch(/expected JSON/);
  });
});
