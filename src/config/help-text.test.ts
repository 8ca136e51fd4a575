import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { renderHelp } from './help-text.js';

const schema = z.object({
  lr: z.number().default(0.001).describe('Step size.'),
  modelPath: z.string().default('model.onnx').describe('Model file.'),
  verbose: z.boolean().default(false).describe('Log more.'),
  optimizer: z.enum(['adam', 'sgd']).default('adam').describe('Optimizer.'),
});

describe('renderHelp', () => {
  it('lists every flag with its type, default, env variable and description, aligned', () => {
    const help = renderHelp({
      schema,
      usage: 'Usage: stateset-agents train [flags]',
      envPrefix: 'STATESET_',
    });
    expect(help).toBe(
      [
        'Usage: stateset-agents train [flags]',
        '',
        'Flags:',
        '  --lr <number>           Step size. (default: 0.001; env: STATESET_LR)',
        '  --model-path <string>   Model file. (default: "model.onnx"; env: STATESET_MODEL_PATH)',
        '  --[no-]verbose          Log more. (default: false; env: STATESET_VERBOSE)',
        '  --optimizer <adam|sgd>  Optimizer. (default: "adam"; env: STATESET_OPTIMIZER)',
        '  --config <file>         JSON file of settings; flags and environment override it',
        '',
      ].join('\n'),
    );
  });

  it('leaves out usage and env variables when not given', () => {
    const help = renderHelp({ schema });
    expect(help.startsWith('Flags:\n')).toBe(true);
    expect(help).not.toMatch(/env:/);
  });
});
