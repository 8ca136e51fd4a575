import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { readEnvConfig } from './env-config.js';
import { describeFields } from './schema-fields.js';

const fields = describeFields(
  z.object({
    lr: z.number().default(0.1).describe('Step size.'),
    modelPath: z.string().default('m').describe('Model file.'),
    verbose: z.boolean().default(false).describe('Log more.'),
  }),
);

describe('readEnvConfig', () => {
  it('reads prefixed upper-snake-case variables and coerces them', () => {
    const env = { STATESET_LR: '0.5', STATESET_MODEL_PATH: 'a.onnx', STATESET_VERBOSE: '1', LR: '9' };
    expect(readEnvConfig(env, 'STATESET_', fields)).toEqual({
      ok: true,
      value: { lr: 0.5, modelPath: 'a.onnx', verbose: true },
    });
  });

  it('treats empty values as unset and ignores prefixed variables of other components', () => {
    const env = { STATESET_LR: '', STATESET_LOG_LEVEL: 'debug' };
    expect(readEnvConfig(env, 'STATESET_', fields)).toEqual({ ok: true, value: {} });
  });

  it('fails naming the variable when a value is malformed', () => {
    const result = readEnvConfig({ STATESET_LR: 'high' }, 'STATESET_', fields);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toBeInstanceOf(ConfigError);
    expect(result.error.code).toBe('invalid_config');
    expect(result.error.message).toBe('env STATESET_LR: expected a number, got "high"');
  });
});
