import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { resolveConfig } from './schema-config.js';

const schema = z.object({
  lr: z.number().positive().default(0.001).describe('Step size.'),
  steps: z.number().int().min(1).default(10).describe('Optimizer steps.'),
  modelPath: z.string().default('model.onnx').describe('Model file.'),
  verbose: z.boolean().default(false).describe('Log more.'),
  optimizer: z.enum(['adam', 'sgd']).default('adam').describe('Optimizer.'),
});
const dir = mkdtempSync(join(tmpdir(), 'schema-config-'));
const configFile = join(dir, 'run.json');
writeFileSync(configFile, JSON.stringify({ lr: 0.1, steps: 20, modelPath: 'file.onnx' }));

function failure(result: ReturnType<typeof resolveConfig>): string {
  if (result.ok) throw new Error(`expected a failure, got ${JSON.stringify(result.value)}`);
  expect(result.error).toBeInstanceOf(ConfigError);
  expect(result.error.code).toBe('invalid_config');
  return result.error.message;
}

describe('resolveConfig', () => {
  it('returns the defaults when nothing is set', () => {
    expect(resolveConfig({ schema })).toEqual({
      ok: true,
      value: { lr: 0.001, steps: 10, modelPath: 'model.onnx', verbose: false, optimizer: 'adam' },
    });
  });

  it('merges defaults < file < env < flags', () => {
    const result = resolveConfig({
      schema,
      argv: ['--config', configFile, '--lr', '0.5'],
      env: { STATESET_LR: '0.3', STATESET_STEPS: '30' },
      envPrefix: 'STATESET_',
    });
    expect(result).toEqual({
      ok: true,
      value: { lr: 0.5, steps: 30, modelPath: 'file.onnx', verbose: false, optimizer: 'adam' },
    });
  });

  it('reads the configFile option when argv has no --config, and --config wins over it', () => {
    expect(resolveConfig({ schema, configFile })).toMatchObject({ ok: true, value: { steps: 20 } });
    const other = join(dir, 'other.json');
    writeFileSync(other, '{"steps": 5}');
    expect(resolveConfig({ schema, configFile, argv: ['--config', other] })).toMatchObject({
      ok: true,
      value: { steps: 5, lr: 0.001 },
    });
  });

  it('does not read the environment without a prefix', () => {
    expect(resolveConfig({ schema, env: { STATESET_LR: 'oops' } })).toMatchObject({
      ok: true,
      value: { lr: 0.001 },
    });
  });

  it('fails naming the flag when the schema rejects a flag value', () => {
    expect(failure(resolveConfig({ schema, argv: ['--lr', '-1'] }))).toMatch(
      /^invalid configuration: flag --lr: /,
    );
  });

  it('fails naming the variable when the schema rejects an env value', () => {
    const message = failure(resolveConfig({ schema, env: { STATESET_STEPS: '0' }, envPrefix: 'STATESET_' }));
    expect(message).toMatch(/env STATESET_STEPS: /);
  });

  it('fails naming the file and key when the schema rejects a file value', () => {
    const bad = join(dir, 'bad-type.json');
    writeFileSync(bad, '{"optimizer": "rmsprop"}');
    expect(failure(resolveConfig({ schema, argv: ['--config', bad] }))).toMatch(
      /config file .*bad-type\.json key "optimizer": Invalid option/,
    );
  });

  it('passes on failures from flags, the file and the environment', () => {
    expect(failure(resolveConfig({ schema, argv: ['--steps', 'many'] }))).toMatch(
      /flag --steps: expected a number, got "many"/,
    );
    expect(failure(resolveConfig({ schema, argv: ['--nope'] }))).toMatch(
      /unknown flag --nope; valid flags: --lr/,
    );
    expect(failure(resolveConfig({ schema, configFile: join(dir, 'absent.json') }))).toMatch(/cannot read/);
    expect(
      failure(resolveConfig({ schema, env: { STATESET_VERBOSE: 'x' }, envPrefix: 'STATESET_' })),
    ).toMatch(/env STATESET_VERBOSE/);
  });

  it('rejects unknown keys in the file, listing the valid ones', () => {
    const unknown = join(dir, 'unknown.json');
    writeFileSync(unknown, '{"learningRate": 1}');
    expect(failure(resolveConfig({ schema, configFile: unknown }))).toMatch(
      /unknown key "learningRate"; valid keys: lr, steps, modelPath, verbose, optimizer/,
    );
  });

  it('throws for a schema with an undocumented field', () => {
    expect(() => resolveConfig({ schema: z.object({ lr: z.number().default(1) }) })).toThrow(ConfigError);
  });
});
