import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderHelp } from '../config/help-text.js';
import { resolveConfig } from '../config/schema-config.js';
import { assertDocumented } from '../config/schema-fields.js';
import { ConfigError } from '../errors.js';
import { parseTrainingConfig, resolveTrainingConfig } from './resolve-training-config.js';
import { TrainingConfigSchema } from './training-config.js';
import { TRAINING_PROFILES } from './training-profiles.js';

/** The message of a failed parse; fails the test when it succeeded. */
function problem(input: unknown): string {
  const result = parseTrainingConfig(input);
  if (result.ok) throw new Error(`expected a failure, got ${JSON.stringify(result.value)}`);
  expect(result.error).toBeInstanceOf(ConfigError);
  expect(result.error.code).toBe('invalid_config');
  return result.error.message;
}

describe('the training configuration', () => {
  it('documents every field with a description and a default', () => {
    expect(() => assertDocumented(TrainingConfigSchema)).not.toThrow();
    expect(renderHelp({ schema: TrainingConfigSchema })).toMatch(
      /--learning-rate <number> +Peak AdamW learning rate\. Default \(null\): the profile's value\./,
    );
  });

  it('resolves to the balanced profile by default, every field concrete', () => {
    const result = parseTrainingConfig({});
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value).toMatchObject({ profile: 'balanced', ...TRAINING_PROFILES.balanced, groupSize: 8 });
    for (const value of Object.values(result.value)) expect(value).not.toBeNull();
  });

  it('applies a profile to the fields left unset, and explicit values win over it', () => {
    const aggressive = parseTrainingConfig({ profile: 'aggressive', learningRate: 5e-4 });
    expect(aggressive).toMatchObject({
      ok: true,
      value: { ...TRAINING_PROFILES.aggressive, learningRate: 5e-4 },
    });
    const conservative = parseTrainingConfig({ profile: 'conservative', klCoefficient: 0 });
    expect(conservative).toMatchObject({
      ok: true,
      value: { klCoefficient: 0, clipLow: 0.1, learningRate: 1e-4 },
    });
  });

  it('takes a Hugging Face model directory with LoRA flags, and names what cannot work with one', () => {
    expect(parseTrainingConfig({ model: 'models/smollm2', loraRank: 8 })).toMatchObject({
      ok: true,
      value: { model: 'models/smollm2', loraRank: 8, loraTargets: 'q_proj,v_proj' },
    });
    expect(problem({ loraRank: 8 })).toContain('loraRank (--lora-rank): needs --model DIR');
    expect(problem({ adapter: 'runs/a/adapter' })).toContain('adapter (--adapter): needs --model DIR');
    expect(problem({ model: 'm', initCheckpoint: 'c.safetensors' })).toContain(
      'initCheckpoint (--init-checkpoint): cannot start a --model run',
    );
    expect(problem({ model: 'm', loraRank: 2, adapter: 'a' })).toContain('adapter (--adapter): give either');
    expect(problem({ model: 'm', loraRank: 2, loraTargets: 'qkv' })).toContain(
      'loraTargets (--lora-targets): flag --lora-targets: unknown qkv',
    );
  });

  it('rejects an unknown key, naming it', () => {
    expect(problem({ groupSize: 4, learningRat: 0.1 })).toContain('unknown key(s) "learningRat"');
  });

  it('rejects a group of 1 with std scaling: the std of one reward is undefined', () => {
    expect(problem({ groupSize: 1 })).toMatch(
      /groupSize \(--group-size\): is 1 with scaleByStd: the sample std/,
    );
  });

  it('rejects a group of 1 without std scaling too: its advantage is always 0', () => {
    expect(problem({ groupSize: 1, scaleByStd: false })).toContain(
      'groupSize (--group-size): is 1: a group-relative advantage',
    );
    expect(problem({ groupSize: 1, estimator: 'rloo' })).toContain('groupSize (--group-size): is 1:');
  });

  it('rejects a micro-batch that does not divide the batch', () => {
    expect(problem({ groupsPerStep: 3, groupSize: 4, microBatchSize: 5 })).toContain(
      'microBatchSize (--micro-batch-size): 5 does not divide the batch of groupsPerStep × groupSize = 12 rollouts',
    );
    expect(parseTrainingConfig({ groupsPerStep: 3, groupSize: 4, microBatchSize: 6 }).ok).toBe(true);
  });

  it.each([
    [{ clipLow: 1 }, 'clipLow (--clip-low): must be in (0, 1)'],
    [{ clipHigh: 0 }, 'clipHigh (--clip-high): must be > 0, got 0'],
    [{ learningRate: -1 }, 'learningRate (--learning-rate): must be > 0, got -1'],
    [{ klCoefficient: -0.1 }, 'klCoefficient (--kl-coefficient): must be ≥ 0'],
    [{ epochsPerBatch: 0 }, 'epochsPerBatch (--epochs-per-batch): must be an integer ≥ 1'],
    [{ gradClipNorm: 0 }, 'gradClipNorm (--grad-clip-norm): must be > 0'],
    [{ steps: 5, warmupSteps: 6 }, 'warmupSteps (--warmup-steps): 6 exceeds steps 5'],
    [
      { earlyStoppingPatience: 2, evalEpisodes: 0 },
      'earlyStoppingPatience (--early-stopping-patience): needs evaluations',
    ],
    [
      { earlyStoppingPatience: 2, evalEvery: 0 },
      'earlyStoppingPatience (--early-stopping-patience): needs periodic',
    ],
    [{ runName: '../escape' }, 'runName (--run-name): "../escape" must be a plain folder name'],
    [
      { model: { width: 30, heads: 4 } },
      'model (--model): model config: width 30 is not divisible by heads 4',
    ],
    [{ model: { vocabSize: 100 } }, "model (--model): vocabSize must be the byte tokenizer's 264, got 100"],
    [
      { model: { contextLength: 64 }, maxNewTokens: 64 },
      'maxNewTokens (--max-new-tokens): 64 leaves no room',
    ],
    [{ groupSize: 0 }, 'groupSize (--group-size): Too small'],
    [{ lossFn: 'dpo' }, 'lossFn (--loss-fn): Invalid option'],
    [{ batchBaseline: 1.5 }, 'batchBaseline (--batch-baseline): Too big'],
    [
      { env: 'retail', answerCredit: 'partial_facts' },
      'answerCredit (--answer-credit): is partial_facts, which scores support-lite answers; env is retail',
    ],
    [{ answerCredit: 'partial' }, 'answerCredit (--answer-credit): Invalid option'],
  ])('rejects impossible values %j, naming the field', (input, message) => {
    expect(problem(input)).toContain(message);
  });

  it('reports every problem at once', () => {
    const message = problem({ groupSize: 1, clipLow: 2, steps: 1, warmupSteps: 2 });
    expect(message).toContain('groupSize');
    expect(message).toContain('clipLow');
    expect(message).toContain('warmupSteps');
  });

  it('takes flags, a config file and STATESET_* variables through the shared resolver', () => {
    const dir = mkdtempSync(join(tmpdir(), 'training-config-'));
    const file = join(dir, 'run.json');
    writeFileSync(
      file,
      JSON.stringify({ profile: 'aggressive', groupSize: 6, model: { width: 32, heads: 2 } }),
    );
    const raw = resolveConfig({
      schema: TrainingConfigSchema,
      argv: ['--config', file, '--clip-high', '0.3', '--no-scale-by-std'],
      env: { STATESET_STEPS: '7' },
      envPrefix: 'STATESET_',
    });
    expect(raw.ok).toBe(true);
    if (!raw.ok) return;
    expect(resolveTrainingConfig(raw.value)).toMatchObject({
      ok: true,
      value: { groupSize: 6, steps: 7, clipHigh: 0.3, clipLow: 0.2, learningRate: 1e-3, scaleByStd: false },
    });
    const unknown = resolveConfig({ schema: TrainingConfigSchema, argv: ['--group-sise', '4'] });
    expect(unknown.ok).toBe(false);
    if (!unknown.ok) expect(unknown.error.message).toContain('unknown flag --group-sise');
  });
});
