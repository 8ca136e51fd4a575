import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { retailDataDirForTests } from '../../environments/test-support/retail-test-data.js';
import { loadCheckpoint } from '../../models/checkpoint.js';
import { resolveTransformerConfig } from '../../models/transformer-config.js';
import { runCliCaptured } from '../test-support/run-cli-captured.js';

const cli = (argv: readonly string[]) =>
  runCliCaptured(argv, { STATESET_TAU_RETAIL: retailDataDirForTests() });

/** A model small enough for a step in milliseconds. */
const TINY = ['--width', '16', '--layers', '1', '--heads', '2', '--context', '256'];

/** `sft` on teacher demonstrations with the tiny model at `context`, no evaluation, into `dir`. */
const teacherSft = (dir: string, context: number, flags: readonly string[]) =>
  cli([
    'sft',
    ...TINY.slice(0, -2),
    '--context',
    String(context),
    ...flags,
    '--eval-episodes',
    '0',
    '--out',
    dir,
  ]);

const chatLine = (colour: string) =>
  JSON.stringify({
    messages: [
      { role: 'user', content: `Which colour is ${colour[0]}?` },
      { role: 'assistant', content: colour },
    ],
  });

/** The model config a run recorded in its config.json. */
function readSavedModel(stdout: string): Record<string, unknown> {
  const configFile = /^config: +(.+)$/m.exec(stdout)![1];
  return (JSON.parse(readFileSync(configFile, 'utf8')) as { model: Record<string, unknown> }).model;
}

describe('stateset-agents sft', () => {
  it('trains on a chat JSONL file and writes checkpoint, config and one metrics line per step', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sft-cli-'));
    const data = join(dir, 'chat.jsonl');
    writeFileSync(data, ['red', 'green', 'blue'].map(chatLine).join('\n'));
    const run = await cli([
      'sft',
      '--data',
      data,
      ...TINY,
      '--steps',
      '6',
      '--batch-size',
      '2',
      '--eval-episodes',
      '0',
      '--out',
      dir,
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`on 3 conversations from ${data}`);
    expect(run.stdout).toMatch(/trained 6 steps/);
    const checkpoint = /^checkpoint: (.+)$/m.exec(run.stdout)![1];
    const configFile = /^config: +(.+)$/m.exec(run.stdout)![1];
    const metricsFile = /^metrics: +(.+)$/m.exec(run.stdout)![1];
    const lines = readFileSync(metricsFile, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, number>);
    expect(lines.map((line) => line.step)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(lines[0]['loss/sft']).toBeGreaterThan(0);
    const saved = JSON.parse(readFileSync(configFile, 'utf8')) as { options: unknown; model: unknown };
    expect(saved.options).toMatchObject({ data, steps: 6, batchSize: 2 });
    const state = await loadCheckpoint(checkpoint, resolveTransformerConfig(saved.model));
    expect(state.step).toBe(6);
    expect(state.config).toMatchObject({ width: 16, layers: 1, contextLength: 256 });

    const resumed = await cli([
      'sft',
      '--data',
      data,
      '--init-checkpoint',
      checkpoint,
      '--steps',
      '1',
      '--eval-episodes',
      '0',
      '--out',
      dir,
    ]);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toContain(`1 layers, width 16, 2 heads, context 256, from ${checkpoint}`);
  });

  it('--previous-token-embedding gives the fresh model a prev_embed table that resuming keeps', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sft-cli-'));
    const data = join(dir, 'chat.jsonl');
    writeFileSync(data, ['red', 'green'].map(chatLine).join('\n'));
    const common = ['--data', data, '--steps', '1', '--eval-episodes', '0', '--out', dir];
    const run = await cli(['sft', ...common, ...TINY, '--previous-token-embedding']);
    expect(run.code).toBe(0);
    const checkpoint = /^checkpoint: (.+)$/m.exec(run.stdout)![1];
    const config = resolveTransformerConfig({ ...readSavedModel(run.stdout), previousTokenEmbedding: true });
    const state = await loadCheckpoint(checkpoint, config);
    expect(state.parameters.get('prev_embed.weight')).toHaveLength(config.vocabSize * 16);

    const resumed = await cli(['sft', ...common, '--init-checkpoint', checkpoint]);
    expect(resumed.code).toBe(0);
    const next = /^checkpoint: (.+)$/m.exec(resumed.stdout)![1];
    expect((await loadCheckpoint(next, config)).config.previousTokenEmbedding).toBe(true);

    const three = await cli([
      'sft',
      ...common,
      ...TINY,
      '--previous-token-embedding',
      '--previous-tokens',
      '3',
    ]);
    expect(three.code).toBe(0);
    const saved = readSavedModel(three.stdout);
    expect(saved.previousTokens).toBe(3);
    const threeState = await loadCheckpoint(
      /^checkpoint: (.+)$/m.exec(three.stdout)![1],
      resolveTransformerConfig({ ...saved, previousTokenEmbedding: true }),
    );
    expect(threeState.parameters.get('prev_embed_3.weight')).toHaveLength(config.vocabSize * 16);
  });

  it('fails with the file and line of a malformed dataset line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sft-cli-'));
    const data = join(dir, 'chat.jsonl');
    writeFileSync(data, [chatLine('red'), chatLine('blue'), '{"messages": [{"role": "bot"}]}'].join('\n'));
    const run = await cli(['sft', '--data', data, ...TINY, '--eval-episodes', '0', '--out', dir]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      new RegExp(`^error \\[invalid_trajectory\\]: ${data}:3: messages\\[0\\]\\.role: Invalid discriminator`),
    );
    expect(readdirSync(dir)).toEqual(['chat.jsonl']);
  });

  it('refuses conversations longer than the context, naming the fix', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sft-cli-'));
    const file = join(dir, 'long.jsonl');
    writeFileSync(file, `${chatLine('red')}\n${chatLine(`green ${'and green '.repeat(40)}`)}\n`);
    const given = await cli(['sft', ...TINY, '--data', file, '--eval-episodes', '0', '--out', dir]);
    expect(given.code).toBe(1);
    expect(given.stderr).toMatch(
      /error \[sequence_too_long\]: sequence 1 has \d+ tokens; the model takes at most 257 \(context \+ 1\)\. Raise the context length/,
    );
    const drawn = await cli(['sft', ...TINY, '--demos', '4', '--eval-episodes', '0', '--out', dir]);
    expect(drawn.code).toBe(1);
    expect(drawn.stderr).toMatch(
      /error \[sequence_too_long\]: none of the 4 teacher demonstrations fits the model: the shortest has \d+ tokens, the model takes at most 257 \(context \+ 1\)\. Raise --context\./,
    );
    expect(readdirSync(dir)).toEqual(['long.jsonl']);
  });

  it('leaves out the teacher demonstrations longer than the context, and says how many', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sft-cli-'));
    const run = await teacherSft(dir, 900, ['--demos', '40', '--steps', '1']);
    expect(run.stderr).toBe('');
    const [, kept, leftOut] =
      /on (\d+) support-lite teacher demonstrations \(.*; (\d+) longer than the context left out\)/
        .exec(run.stdout)!
        .map(Number);
    expect(kept).toBeGreaterThan(0);
    expect(kept + leftOut).toBe(40);
    const demosFile = /^demos: +(.+)$/m.exec(run.stdout)![1];
    expect(readFileSync(demosFile, 'utf8').trim().split('\n')).toHaveLength(kept);
  });

  it('runs the copy curriculum first, for its share of the steps, and logs which steps were', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sft-cli-'));
    const run = await teacherSft(dir, 1280, [
      '--demos',
      '4',
      '--steps',
      '4',
      '--curriculum-share',
      '0.5',
      '--batch-size',
      '2',
      '--curriculum-batch-size',
      '2',
      '--curriculum-fragments',
      'lookup+answer',
      '--curriculum-facts',
      '--curriculum-status-swap',
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/copy curriculum: 2 steps of 2 id, fact and status fragments/);
    expect(run.stdout).toMatch(/trained 2 steps/);
    const metricsFile = /^metrics: +(.+)$/m.exec(run.stdout)![1];
    const lines = readFileSync(metricsFile, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, number>);
    expect(lines.map((line) => [line.step, line['sft/curriculum']])).toEqual([
      [1, 1],
      [2, 1],
      [3, 0],
      [4, 0],
    ]);
    const withData = await cli(['sft', '--data', metricsFile, '--steps', '2', '--curriculum-share', '0.5']);
    expect(withData.code).toBe(1);
    expect(withData.stderr).toMatch(/--curriculum-share needs teacher demonstrations/);
  });

  it("--mistake-pattern habits puts the teacher's mistakes only in its habit situations", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sft-cli-'));
    const run = (pattern: string) =>
      teacherSft(dir, 1280, [
        '--demos',
        '40',
        '--steps',
        '1',
        '--mistake-rate',
        '1',
        '--mistake-pattern',
        pattern,
      ]);
    const [random, habits] = [await run('random'), await run('habits')];
    expect(random.stdout).toMatch(
      /40 support-lite teacher demonstrations \(train split, 40 with a mistake, random rate 1\)/,
    );
    const mistakes = Number(/, (\d+) with a mistake, habits rate 1\)/.exec(habits.stdout)?.[1]);
    expect(mistakes).toBeGreaterThan(0);
    expect(mistakes).toBeLessThan(40);
    const demosFile = /^demos: +(.+)$/m.exec(habits.stdout)![1];
    const labels = readFileSync(demosFile, 'utf8')
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { metadata: { teacherMistake: string } }).metadata.teacherMistake);
    expect(labels.filter((label) => label !== 'none')).toHaveLength(mistakes);
  });

  it('--tool-copy-weight weighs the answer tokens that repeat a tool result, and says how many', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sft-cli-'));
    const data = join(dir, 'tools.jsonl');
    const line = JSON.stringify({
      messages: [
        { role: 'user', content: 'Where is order #W1?' },
        {
          role: 'assistant',
          content: '',
          tool_calls: [
            { id: 'c0', type: 'function', function: { name: 'find', arguments: '{"order_id":"#W1"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'c0', content: 'order #W1 | address: 12 Oak Road, Austin' },
        { role: 'assistant', content: 'It ships to 12 Oak Road, Austin.' },
      ],
    });
    writeFileSync(data, `${line}\n`);
    const run = (weight: string) =>
      cli([
        'sft',
        '--data',
        data,
        ...TINY,
        '--steps',
        '1',
        '--eval-episodes',
        '0',
        '--tool-copy-weight',
        weight,
        '--out',
        dir,
      ]);
    const weighted = await run('10');
    expect(weighted.stderr).toBe('');
    // " 12 Oak Road, Austin" is copied; "It ships to" and "." are not, nor the lookup's "order_id"
    // and "#W1", written before there was a result to copy from.
    expect(weighted.stdout).toContain('1 conversations from');
    expect(weighted.stdout).toMatch(/; 20 tokens copied from tool results weigh 10/);
    const plain = await run('1');
    expect(plain.stdout).not.toMatch(/copied from tool results/);
    const bad = await run('0.5');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/flag --tool-copy-weight/);
  });

  it('rejects invalid flags, naming them', async () => {
    const rate = await cli(['sft', '--mistake-rate', '1.5']);
    expect(rate.code).toBe(1);
    expect(rate.stderr).toMatch(/flag --mistake-rate/);
    const pattern = await cli(['sft', '--mistake-pattern', 'often']);
    expect(pattern.code).toBe(1);
    expect(pattern.stderr).toMatch(/flag --mistake-pattern/);
    const previous = await cli(['sft', '--previous-tokens', '3']);
    expect(previous.code).toBe(1);
    expect(previous.stderr).toMatch(/--previous-tokens 3 needs --previous-token-embedding/);
    const tooMany = await cli(['sft', '--previous-token-embedding', '--previous-tokens', '9']);
    expect(tooMany.code).toBe(1);
    expect(tooMany.stderr).toMatch(/flag --previous-tokens/);
    const facts = await cli(['sft', '--curriculum-facts', '--steps', '2']);
    expect(facts.code).toBe(1);
    expect(facts.stderr).toMatch(/--curriculum-facts .* needs --curriculum-share > 0/);
    const swap = await cli(['sft', '--curriculum-status-swap', '--curriculum-share', '0.5', '--steps', '2']);
    expect(swap.code).toBe(1);
    expect(swap.stderr).toMatch(
      /--curriculum-status-swap .* needs --curriculum-fragments answer or lookup\+answer \(got full\)/,
    );
    const swapNoShare = await cli([
      'sft',
      '--curriculum-status-swap',
      '--curriculum-fragments',
      'answer',
      '--steps',
      '2',
    ]);
    expect(swapNoShare.code).toBe(1);
    expect(swapNoShare.stderr).toMatch(/--curriculum-status-swap .* needs --curriculum-share > 0/);
    const fragments = await cli(['sft', '--curriculum-fragments', 'answers']);
    expect(fragments.code).toBe(1);
    expect(fragments.stderr).toMatch(/flag --curriculum-fragments/);
    const unknown = await cli(['sft', '--lr', '0.1']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/unknown flag --lr/);
  });
});
