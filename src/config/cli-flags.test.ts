import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { parseFlags } from './cli-flags.js';
import { describeFields } from './schema-fields.js';

const fields = describeFields(
  z.object({
    lr: z.number().default(0.1).describe('Step size.'),
    modelPath: z.string().default('m').describe('Model file.'),
    verbose: z.boolean().default(false).describe('Log more.'),
    optimizer: z.enum(['adam', 'sgd']).default('adam').describe('Optimizer.'),
  }),
);

function failure(argv: string[]): string {
  const result = parseFlags(argv, fields);
  if (result.ok) throw new Error(`expected ${argv.join(' ')} to fail`);
  expect(result.error).toBeInstanceOf(ConfigError);
  expect(result.error.code).toBe('invalid_config');
  return result.error.message;
}

describe('parseFlags', () => {
  it('maps kebab-case flags to camelCase keys and coerces values', () => {
    const result = parseFlags(['--lr', '0.001', '--model-path', 'x.onnx', '--optimizer=sgd'], fields);
    expect(result).toEqual({
      ok: true,
      value: { values: { lr: 0.001, modelPath: 'x.onnx', optimizer: 'sgd' }, configFile: undefined },
    });
  });

  it('sets booleans with --flag, --no-flag and --flag=false', () => {
    expect(parseFlags(['--verbose'], fields)).toMatchObject({
      ok: true,
      value: { values: { verbose: true } },
    });
    expect(parseFlags(['--no-verbose'], fields)).toMatchObject({
      ok: true,
      value: { values: { verbose: false } },
    });
    expect(parseFlags(['--verbose=false'], fields)).toMatchObject({
      ok: true,
      value: { values: { verbose: false } },
    });
  });

  it('accepts a negative number as a value', () => {
    expect(parseFlags(['--lr', '-1'], fields)).toMatchObject({ ok: true, value: { values: { lr: -1 } } });
  });

  it('returns the --config file separately', () => {
    expect(parseFlags(['--config', 'run.json', '--lr', '1'], fields)).toEqual({
      ok: true,
      value: { values: { lr: 1 }, configFile: 'run.json' },
    });
  });

  it('returns nothing for no flags', () => {
    expect(parseFlags([], fields)).toEqual({ ok: true, value: { values: {}, configFile: undefined } });
  });

  it('rejects an unknown flag and lists the valid ones', () => {
    expect(failure(['--lrr', '1'])).toBe(
      'unknown flag --lrr; valid flags: --lr, --model-path, --verbose, --optimizer, --config',
    );
  });

  it('rejects --no- on a flag that is not boolean', () => {
    expect(failure(['--no-lr'])).toMatch(/unknown flag --no-lr/);
  });

  it('rejects a value on --no-flag', () => {
    expect(failure(['--no-verbose=true'])).toMatch(/--no-verbose takes no value/);
  });

  it('rejects a flag without a value, at the end or before another flag', () => {
    expect(failure(['--lr'])).toBe('flag --lr needs a value');
    expect(failure(['--model-path', '--verbose'])).toBe('flag --model-path needs a value');
    expect(failure(['--config'])).toBe('flag --config needs a value');
    expect(failure(['--config='])).toBe('flag --config needs a file path');
  });

  it('rejects malformed numbers, booleans and enum values', () => {
    expect(failure(['--lr', 'fast'])).toBe('flag --lr: expected a number, got "fast"');
    expect(failure(['--verbose=sure'])).toMatch(/flag --verbose: expected true or false/);
    expect(failure(['--optimizer', 'rmsprop'])).toBe(
      'flag --optimizer: expected one of adam, sgd, got "rmsprop"',
    );
  });

  it('rejects a flag given twice, including as --flag and --no-flag', () => {
    expect(failure(['--lr', '1', '--lr', '2'])).toBe('flag --lr is given more than once');
    expect(failure(['--verbose', '--no-verbose'])).toBe('flag --verbose is given more than once');
  });

  it('rejects positional arguments, short flags and a bare --', () => {
    expect(failure(['train'])).toMatch(/unexpected argument "train"/);
    expect(failure(['-h'])).toMatch(/unexpected argument "-h"/);
    expect(failure(['--'])).toMatch(/unexpected argument "--"/);
  });
});
