import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { readConfigFile } from './config-file.js';
import { describeFields } from './schema-fields.js';

const fields = describeFields(
  z.object({
    lr: z.number().default(0.1).describe('Step size.'),
    modelPath: z.string().default('m').describe('Model file.'),
  }),
);
const dir = mkdtempSync(join(tmpdir(), 'config-file-'));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function failure(path: string): string {
  const result = readConfigFile(path, fields);
  if (result.ok) throw new Error(`expected ${path} to fail`);
  expect(result.error).toBeInstanceOf(ConfigError);
  expect(result.error.code).toBe('invalid_config');
  return result.error.message;
}

describe('readConfigFile', () => {
  it('returns the values of a JSON object with known keys', () => {
    const path = file('good.json', '{"lr": 0.01, "modelPath": "x"}');
    expect(readConfigFile(path, fields)).toEqual({ ok: true, value: { lr: 0.01, modelPath: 'x' } });
  });

  it('fails for a missing file', () => {
    expect(failure(join(dir, 'absent.json'))).toMatch(/cannot read config file .*absent\.json/);
  });

  it('fails for invalid JSON', () => {
    expect(failure(file('bad.json', '{"lr": '))).toMatch(/is not valid JSON/);
  });

  it('fails for JSON that is not an object', () => {
    expect(failure(file('array.json', '[1]'))).toMatch(/must hold a JSON object/);
    expect(failure(file('null.json', 'null'))).toMatch(/must hold a JSON object/);
  });

  it('fails for an unknown key, naming it and listing the valid keys', () => {
    expect(failure(file('unknown.json', '{"model_path": "x"}'))).toMatch(
      /unknown key "model_path"; valid keys: lr, modelPath$/,
    );
  });
});
