import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTrajectoriesJsonl } from '../../conversation/trajectory-jsonl.js';
import { writeSafetensors } from '../../engine/safetensors.js';
import { saveCheckpoint } from '../../models/checkpoint.js';
import { BYTE_VOCAB_SIZE, DEFAULT_SPECIAL_TOKENS } from '../../models/tokenizers/byte-tokenizer.js';
import { resolveTransformerConfig } from '../../models/transformer-config.js';
import { initParameters } from '../../models/transformer-params.js';
import { cli, number, problems, row, temp, type Results } from './test-support/eval-cli.js';

describe('stateset-agents eval: retail', () => {
  it('the gold agent passes every dev task in every trial: pass^1 = pass^2 = 1', async () => {
    const dir = temp();
    const out = join(dir, 'results.json');
    const trajectories = join(dir, 'trajectories.jsonl');
    const run = await cli([
      'eval',
      ...['--env', 'retail', '--agent', 'gold', '--split', 'dev', '--trials', '2'],
      ...['--out', out, '--trajectories', trajectories],
    ]);
    expect(problems(run.stderr)).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /^eval: tau-retail, agent gold, split dev, user scripted: 20 tasks × 2 trials$/m,
    );
    expect(row(run.stdout, 'tasks')).toBe('20 (of 20 in dev)');
    expect(row(run.stdout, 'episodes')).toBe('40');
    expect(row(run.stdout, 'success rate')).toBe('1.000  (40/40)');
    expect(number(run.stdout, 'pass^1')).toBe(1);
    expect(number(run.stdout, 'pass^2')).toBe(1);
    expect(run.stdout).not.toMatch(/pass\^3/);
    expect(number(run.stdout, 'mean reward')).toBe(1);
    expect(number(run.stdout, '  database_match')).toBe(1);
    expect(number(run.stdout, 'mean turns')).toBeGreaterThan(1);

    const results = JSON.parse(readFileSync(out, 'utf8')) as Results;
    expect(results.summary).toMatchObject({
      tasks: 20,
      trials: 2,
      episodes: 40,
      successRate: 1,
      passHatK: [1, 1],
    });
    expect(results.metrics).toMatchObject({ 'eval/pass^1': 1, 'eval/pass^2': 1, 'eval/success_rate': 1 });
    expect(results.tasks.map((task) => task.scenarioId)).toEqual(
      Array.from({ length: 20 }, (_, i) => `dev-${i}`),
    );
    expect(results.tasks.every((task) => task.trials.every((trial) => trial.success))).toBe(true);
    const saved = await readTrajectoriesJsonl({ path: trajectories });
    expect(saved).toHaveLength(40);
    expect(saved.every((trajectory) => trajectory.reward === 1)).toBe(true);
    expect(saved[0].metadata).toMatchObject({ environment: 'tau-retail', trial: 0, success: true });
  });

  it('a seeded random agent almost never succeeds, and --tasks draws a seeded subset', async () => {
    const dir = temp();
    const argv = [
      'eval',
      '--agent',
      'random',
      '--split',
      'dev',
      '--trials',
      '2',
      '--tasks',
      '8',
      '--seed',
      '3',
    ];
    const first = await cli([...argv, '--out', join(dir, 'a.json')]);
    expect(first.code).toBe(0);
    expect(row(first.stdout, 'tasks')).toBe('8 (of 20 in dev)');
    expect(number(first.stdout, 'success rate')).toBeLessThanOrEqual(0.1);
    expect(number(first.stdout, 'pass^2')).toBeLessThanOrEqual(number(first.stdout, 'pass^1'));
    const again = await cli([...argv, '--out', join(dir, 'b.json')]);
    const ids = (file: string) =>
      (JSON.parse(readFileSync(join(dir, file), 'utf8')) as Results).tasks.map((task) => task.scenarioId);
    expect(ids('a.json')).toHaveLength(8);
    expect(ids('a.json')).toEqual(ids('b.json'));
    expect(ids('a.json')).not.toEqual(Array.from({ length: 8 }, (_, i) => `dev-${i}`));
    // same seed, same episodes: the whole table but the time is reproducible
    const withoutTime = (text: string) => text.replace(/^time .*$/m, '');
    expect(withoutTime(again.stdout.split('results:')[0])).toBe(
      withoutTime(first.stdout.split('results:')[0]),
    );
  });
});

describe('stateset-agents eval: support-lite', () => {
  it('the expert succeeds on every held-out scenario; a random agent on none', async () => {
    const gold = await cli(['eval', '--env', 'support-lite', '--agent', 'gold', '--split', 'heldout']);
    expect(gold.code).toBe(0);
    expect(gold.stdout).toMatch(
      /^eval: support-lite, agent gold, split test, user scripted: \d+ tasks × 1 trial$/m,
    );
    expect(Number(row(gold.stdout, 'tasks').split(' ')[0])).toBeGreaterThan(500);
    expect(number(gold.stdout, 'pass^1')).toBe(1);
    for (const part of ['right_tool', 'right_arguments', 'right_answer', 'policy', 'brevity']) {
      expect(number(gold.stdout, `  ${part}`)).toBe(1);
    }
    const random = await cli([
      'eval',
      '--env',
      'support-lite',
      '--agent',
      'random',
      '--split',
      'test',
      '--tasks',
      '100',
    ]);
    expect(random.code).toBe(0);
    expect(number(random.stdout, 'success rate')).toBeLessThanOrEqual(0.05);
    expect(number(random.stdout, 'mean reward')).toBeLessThan(0.5);
  });
});

/** A loopback chat-completions server: a fixed tool call first, then a fixed final message. */
async function writeTinyCheckpoint(contextLength: number): Promise<string> {
  const config = resolveTransformerConfig({
    vocabSize: BYTE_VOCAB_SIZE + DEFAULT_SPECIAL_TOKENS.length,
    contextLength,
    width: 16,
    layers: 1,
    heads: 2,
    mlpWidth: 32,
  });
  const checkpoint = join(temp(), 'checkpoint.safetensors');
  await saveCheckpoint(checkpoint, {
    config,
    parameters: initParameters(config, 0),
    adam: new Map(),
    step: 0,
    rng: { algorithm: 'xoshiro128**', words: [1, 2, 3, 4], spareNormal: null },
  });
  return checkpoint;
}

describe('stateset-agents eval: a local checkpoint', () => {
  const localArgs = (checkpoint: string) => [
    'eval',
    ...['--env', 'support-lite', '--agent', 'local', '--checkpoint', checkpoint, '--split', 'heldout'],
    ...['--tasks', '2', '--max-turns', '2', '--max-new-tokens', '8', '--temperature', '1'],
  ];

  it('reads the model configuration from the checkpoint and samples token-level turns', async () => {
    const checkpoint = await writeTinyCheckpoint(2048);
    const trajectories = join(temp(), 'trajectories.jsonl');
    const run = await cli([...localArgs(checkpoint), '--trajectories', trajectories]);
    expect(problems(run.stderr)).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/agent local:.*checkpoint\.safetensors, split test/);
    expect(row(run.stdout, 'episodes')).toBe('2');
    expect(number(run.stdout, 'pass^1')).toBe(0);
    const saved = await readTrajectoriesJsonl({ path: trajectories });
    const turns = saved.flatMap((trajectory) => trajectory.turns);
    expect(turns.length).toBeGreaterThan(0);
    for (const turn of turns) {
      expect(turn.tokens?.completion.length).toBeGreaterThan(0);
      expect(turn.tokens?.completion.length).toBeLessThanOrEqual(8);
      expect(turn.tokens?.logprobs).toHaveLength(turn.tokens?.completion.length ?? -1);
    }
  });

  it('warns when the agent fails every episode (the prompt does not fit the context)', async () => {
    const run = await cli(localArgs(await writeTinyCheckpoint(256)));
    expect(run.code).toBe(0);
    expect(row(run.stdout, 'stop reasons')).toBe('agent_error 2');
    expect(run.stderr).toMatch(
      /^warning: 2 episodes ended with agent_error; first: \[sequence_too_long\] The conversation renders to \d+ tokens/,
    );
  });

  it('names a checkpoint without a model configuration', async () => {
    const file = join(temp(), 'plain.safetensors');
    writeFileSync(file, writeSafetensors(new Map(), {}));
    const run = await cli(['eval', '--env', 'support-lite', '--agent', 'local', '--checkpoint', file]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^error \[invalid_safetensors\]: .*plain\.safetensors records no model configuration/,
    );
    const missing = await cli(['eval', '--agent', 'local', '--checkpoint', join(temp(), 'none')]);
    expect(missing.stderr).toMatch(/^error \[checkpoint_not_found\]: no checkpoint at /);
  });
});

describe('stateset-agents eval: bad flags', () => {
  it('exits 1 with invalid_config naming the flag', async () => {
    const cases: [string[], RegExp][] = [
      [
        ['--env', 'nope'],
        /^error \[invalid_config\]: flag --env: expected one of retail, support-lite, got "nope"/,
      ],
      [['--trials', '0'], /^error \[invalid_config\]: invalid configuration: flag --trials: /],
      [
        ['--agent', 'human'],
        /^error \[invalid_config\]: flag --agent: expected one of gold, random, openai, local/,
      ],
      [
        ['--env', 'support-lite', '--split', 'dev'],
        /^error \[invalid_config\]: flag --split: support-lite has no dev split/,
      ],
      [['--agent', 'openai'], /^error \[invalid_config\]: flag --agent openai needs --base-url/],
      [
        ['--agent', 'openai', '--base-url', 'http://127.0.0.1:9/v1'],
        /^error \[invalid_config\]: flag --agent openai needs --model/,
      ],
      [['--agent', 'local'], /^error \[invalid_config\]: flag --agent local needs --checkpoint FILE/],
      [
        ['--agent', 'local', '--checkpoint', 'a.safetensors', '--adapter', 'adapter'],
        /^error \[invalid_config\]: flag --adapter needs --model DIR/,
      ],
      [
        ['--agent', 'local', '--model', 'no-such-model-dir'],
        /^error \[invalid_model_config\]: cannot read Llama config no-such-model-dir\/config\.json/,
      ],
      [['--user', 'llm'], /^error \[invalid_config\]: flag --user llm needs --user-base-url/],
      [
        ['--user-base-url', 'http://127.0.0.1:9/v1'],
        /^error \[invalid_config\]: flag --user-base-url is set but --user is scripted/,
      ],
      [
        ['--env', 'support-lite', '--user', 'llm'],
        /^error \[invalid_config\]: flag --user: support-lite has only the scripted user/,
      ],
    ];
    for (const [flags, message] of cases) {
      const run = await cli(['eval', ...flags]);
      expect(run.code, flags.join(' ')).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(message);
    }
    const noData = await cli(['eval', '--data', join(temp(), 'nowhere')]);
    expect(noData.stderr).toMatch(
      /^error \[environment_data_invalid\]: retail data file data\/users\.json not found/,
    );
  });

  it('lists its flags in --help', async () => {
    const run = await cli(['eval', '--help']);
    expect(run.code).toBe(0);
    for (const flag of [
      'env',
      'agent',
      'split',
      'trials',
      'tasks',
      'concurrency',
      'seed',
      'data',
      'user',
      'out',
    ]) {
      expect(run.stdout).toMatch(new RegExp(`--${flag} `));
    }
    expect(run.stdout).toMatch(/--api-key <string> .*env: STATESET_API_KEY/);
  });
});
