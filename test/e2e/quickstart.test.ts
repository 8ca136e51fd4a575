// `stateset-agents quickstart` in-process with a tiny model and fixed step counts: SFT, evaluation,
// GRPO, evaluation again; the before/after table, the checkpoints, the evaluation files and the hints.

import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliCaptured, type Captured } from '../../src/cli/test-support/run-cli-captured.js';
import { checkpointModelConfig } from '../../src/cli/commands/eval-agents.js';
import { loadCheckpoint } from '../../src/models/checkpoint.js';

const cli = (argv: readonly string[]) => runCliCaptured(argv);

const TINY = ['--width', '32', '--layers', '1', '--heads', '4', '--demos', '16', '--sft-steps', '4'];
const EVAL_TASKS = 4;

async function quickstart(seed: number): Promise<Captured & { out: string }> {
  const out = mkdtempSync(join(tmpdir(), 'quickstart-'));
  const argv = ['quickstart', ...TINY, '--grpo-steps', '2', '--eval-tasks', String(EVAL_TASKS)];
  const run = await cli([...argv, '--seed', String(seed), '--out', out]);
  return { ...run, out };
}

/** The value printed after `label:` at the start of a line. */
function printed(stdout: string, label: string): string {
  const match = new RegExp(`^${label}: +(.+)$`, 'm').exec(stdout);
  if (match === null) throw new Error(`no "${label}:" line in:\n${stdout}`);
  return match[1];
}

/** The table's rows by metric name, each with its three columns (SFT, SFT + GRPO, teacher). */
function tableRows(stdout: string): Map<string, string[]> {
  const rows = new Map<string, string[]>();
  const number = String.raw`(\d+\.\d+(?: \(\d+/\d+\))?)`;
  const row = new RegExp(String.raw`^(\S.*?|  \S+) +${number} +${number} +${number}$`, 'gm');
  for (const match of stdout.matchAll(row)) rows.set(match[1].trim(), [match[2], match[3], match[4]]);
  return rows;
}

describe('stateset-agents quickstart', () => {
  // One run serves both the content checks and, run again, the determinism check.
  let firstRun: Promise<Captured & { out: string }> | undefined;
  const seedOneRun = () => (firstRun ??= quickstart(1));

  it('runs SFT, evaluates, runs GRPO, evaluates again and prints the table, files and hints', async () => {
    const run = await seedOneRun();
    expect(run.stderr).not.toMatch(/error/);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^ +SFT +SFT \+ GRPO +teacher \(habits 70%\)$/m);

    const rows = tableRows(run.stdout);
    expect([...rows.keys()]).toEqual([
      'success rate',
      'pass^1',
      'mean reward',
      'right_tool',
      'right_arguments',
      'right_answer',
      'policy',
      'brevity',
      'mean turns',
    ]);
    for (const column of rows.get('success rate')!) expect(column).toMatch(new RegExp(`/${EVAL_TASKS}\\)$`));

    const runDir = printed(run.stdout, 'run folder');
    expect(dirname(runDir)).toBe(run.out);
    const before = JSON.parse(readFileSync(join(runDir, 'eval-before.json'), 'utf8')) as EvalFile;
    const after = JSON.parse(readFileSync(join(runDir, 'eval-after.json'), 'utf8')) as EvalFile;
    expect(before.summary.tasks).toBe(EVAL_TASKS);
    expect(after.summary.tasks).toBe(EVAL_TASKS);
    expect(rows.get('mean reward')!.slice(0, 2)).toEqual(
      [before, after].map((file) => file.summary.meanReward.toFixed(3)),
    );
    // The teacher is scripted: on the same tasks it has to call the right tool.
    expect(Number(rows.get('right_tool')![2])).toBeGreaterThan(0.5);

    const sftCheckpoint = printed(run.stdout, 'sft checkpoint');
    const grpoCheckpoint = printed(run.stdout, 'grpo checkpoint');
    expect(sftCheckpoint.startsWith(join(runDir, 'sft-'))).toBe(true);
    expect(grpoCheckpoint).toBe(join(runDir, 'grpo', 'checkpoints', 'step-2.safetensors'));
    for (const checkpoint of [sftCheckpoint, grpoCheckpoint]) {
      const state = await loadCheckpoint(checkpoint, await checkpointModelConfig(checkpoint));
      expect(state.config).toMatchObject({
        width: 32,
        layers: 1,
        heads: 4,
        contextLength: 1280,
        // The learning benchmark's recipe: the copy shortcut is on by default, four tokens back.
        previousTokenEmbedding: true,
        previousTokens: 4,
      });
    }
    // The learning benchmark's recipe: the habits teacher, the status swap, and GRPO sampling at
    // temperature 0.7 with a KL penalty, keeping groups whose rollouts all scored alike.
    const defaults = stageConfigs(run.stdout);
    expect(defaults.sft).toMatchObject({
      mistakePattern: 'habits',
      mistakeRate: 0.7,
      curriculumFragments: 'lookup+answer',
      curriculumStatusSwap: true,
    });
    expect(defaults.grpo).toMatchObject({ temperature: 0.7, klCoefficient: 0.3, dropZeroAdvantage: false });
    expect(before.options.checkpoint).toBe(sftCheckpoint);
    expect(after.options.checkpoint).toBe(grpoCheckpoint);
    expect(existsSync(printed(run.stdout, 'report'))).toBe(true);

    const chat = /stateset-agents chat --checkpoint (\S+) --env support-lite/.exec(run.stdout);
    expect(chat?.[1]).toBe(grpoCheckpoint);
    expect(run.stdout).toContain(`stateset-agents eval --agent local --checkpoint ${grpoCheckpoint} `);
    expect(run.stdout).not.toMatch(/\bserv(e|ing)\b/);
  });

  it('is deterministic for a seed when the steps are fixed', async () => {
    const table = (stdout: string) => [...tableRows(stdout).entries()];
    const [first, second] = [await seedOneRun(), await quickstart(1)];
    expect(first.code).toBe(0);
    expect(table(first.stdout)).toHaveLength(9);
    expect(table(second.stdout)).toEqual(table(first.stdout));
  });

  it('without --grpo-steps, stops GRPO when the next step would overrun --seconds (after at least one)', async () => {
    const out = mkdtempSync(join(tmpdir(), 'quickstart-timed-'));
    const tiny = ['--width', '32', '--layers', '1', '--demos', '8', '--sft-steps', '1', '--eval-tasks', '1'];
    const run = await cli(['quickstart', ...tiny, '--seconds', '1', '--out', out]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^ {2}1 step in \S+ \(stopped for the time budget\); checkpoint /m);
    const grpoCheckpoint = printed(run.stdout, 'grpo checkpoint');
    expect(grpoCheckpoint).toBe(
      join(printed(run.stdout, 'run folder'), 'grpo', 'checkpoints', 'step-1.safetensors'),
    );
    expect(existsSync(grpoCheckpoint)).toBe(true);
  });

  it('passes the teacher, curriculum and GRPO flags through to its stages', async () => {
    const out = mkdtempSync(join(tmpdir(), 'quickstart-flags-'));
    const tiny = ['--width', '32', '--layers', '1', '--demos', '8', '--sft-steps', '1', '--eval-tasks', '1'];
    const flags = [
      ...['--mistake-pattern', 'random', '--mistake-rate', '0.3', '--curriculum-fragments', 'lookup'],
      ...['--no-curriculum-status-swap', '--grpo-temperature', '1', '--grpo-kl-coefficient', '0'],
      ...['--grpo-drop-zero-advantage', '--grpo-steps', '1'],
    ];
    const run = await cli(['quickstart', ...tiny, ...flags, '--out', out]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('[1/4 sft] imitate the teacher (it errs in 30% of conversations)');
    expect(run.stdout).toMatch(/^ +SFT +SFT \+ GRPO +teacher \(30% mistakes\)$/m);
    const given = stageConfigs(run.stdout);
    expect(given.sft).toMatchObject({
      mistakePattern: 'random',
      mistakeRate: 0.3,
      curriculumFragments: 'lookup',
      curriculumStatusSwap: false,
    });
    expect(given.grpo).toMatchObject({ temperature: 1, klCoefficient: 0, dropZeroAdvantage: true });
  });

  it('refuses lookup fragments while the status swap is on, before it trains, saying how to turn it off', async () => {
    const out = mkdtempSync(join(tmpdir(), 'quickstart-swap-'));
    const run = await cli(['quickstart', '--curriculum-fragments', 'lookup', '--out', out]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /--curriculum-status-swap \(on by default\) changes answer fragments, and --curriculum-fragments lookup has none: .*--no-curriculum-status-swap/,
    );
    expect(readdirSync(out)).toEqual([]);
  });

  it('rejects an SFT share outside (0, 1), naming the flag', async () => {
    const run = await cli(['quickstart', '--sft-share', '1']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/error \[invalid_config\]: invalid configuration: flag --sft-share: /);
  });
});

function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

/** The options the sft stage ran with and the grpo run's resolved configuration, from their folders. */
function stageConfigs(stdout: string): { sft: Record<string, unknown>; grpo: Record<string, unknown> } {
  const sftConfig = join(dirname(printed(stdout, 'sft checkpoint')), 'config.json');
  const grpoConfig = join(printed(stdout, 'run folder'), 'grpo', 'config.json');
  return {
    sft: readJson<{ options: Record<string, unknown> }>(sftConfig).options,
    grpo: readJson<{ config: Record<string, unknown> }>(grpoConfig).config,
  };
}

type EvalFile = {
  readonly options: { readonly checkpoint: string };
  readonly summary: { readonly tasks: number; readonly meanReward: number };
};
