import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { assertDocumented, camelCase, describeFields, envName, kebabCase } from './schema-fields.js';

const schema = z.object({
  learningRate: z.number().positive().default(0.001).describe('Step size.'),
  steps: z.number().int().describe('Optimizer steps.').default(10),
  modelPath: z.string().default('model.onnx').describe('Where the model lives.'),
  verbose: z.boolean().default(false).describe('Log more.'),
  optimizer: z.enum(['adam', 'sgd']).default('adam').describe('Optimizer.'),
  layers: z
    .array(z.number())
    .default(() => [64, 64])
    .describe('Hidden sizes.'),
});

describe('describeFields', () => {
  it('reads kind, flag, default and description of every field in order', () => {
    const fields = describeFields(schema);
    expect(fields.map((field) => [field.key, field.flag, field.kind])).toEqual([
      ['learningRate', 'learning-rate', 'number'],
      ['steps', 'steps', 'integer'],
      ['modelPath', 'model-path', 'string'],
      ['verbose', 'verbose', 'boolean'],
      ['optimizer', 'optimizer', 'enum'],
      ['layers', 'layers', 'json'],
    ]);
    expect(fields[0]).toMatchObject({ description: 'Step size.', hasDefault: true, defaultValue: 0.001 });
    expect(fields[1]).toMatchObject({ description: 'Optimizer steps.', defaultValue: 10 });
    expect(fields[4].choices).toEqual(['adam', 'sgd']);
    expect(fields[5].defaultValue).toEqual([64, 64]);
  });

  it('reports a field without default or description', () => {
    const [field] = describeFields(z.object({ bare: z.string() }));
    expect(field).toMatchObject({ hasDefault: false, description: undefined, kind: 'string' });
  });
});

describe('names', () => {
  it('maps between camelCase keys, kebab-case flags and env names', () => {
    expect(kebabCase('modelPath')).toBe('model-path');
    expect(camelCase('model-path')).toBe('modelPath');
    expect(camelCase(kebabCase('maxNewTokens'))).toBe('maxNewTokens');
    expect(envName('STATESET_', 'modelPath')).toBe('STATESET_MODEL_PATH');
    expect(envName('STATESET_', 'lr')).toBe('STATESET_LR');
  });
});

describe('assertDocumented', () => {
  it('accepts a schema whose fields all have a description and a default', () => {
    expect(() => assertDocumented(schema)).not.toThrow();
  });

  it('throws invalid_config naming a field without a description', () => {
    const bad = z.object({ lr: z.number().default(1) });
    expect(() => assertDocumented(bad)).toThrow(ConfigError);
    expect(() => assertDocumented(bad)).toThrow(expect.objectContaining({ code: 'invalid_config' }));
    expect(() => assertDocumented(bad)).toThrow(/"lr" has no \.describe\(\)/);
  });

  it('throws for a blank description', () => {
    expect(() => assertDocumented(z.object({ lr: z.number().default(1).describe('  ') }))).toThrow(
      /describe/,
    );
  });

  it('throws naming a field without a default', () => {
    expect(() => assertDocumented(z.object({ lr: z.number().describe('Step size.') }))).toThrow(
      /"lr" has no \.default\(\)/,
    );
  });

  it('throws for a field named config, which the --config flag owns', () => {
    expect(() => assertDocumented(z.object({ config: z.string().default('').describe('x') }))).toThrow(
      /clashes with the --config flag/,
    );
  });
});
