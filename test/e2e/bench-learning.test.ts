// `bench:learning` end to end on a tiny budget: one seed's warm start, its GRPO and SFT-only arms
// side by side, the three held-out evaluations, and learning.json in the format the README and the
// issue name. The numbers mean nothing at this size; the file's shape and the arms' recipes do.

import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const BENCH = join(process.cwd(), 'dist', 'bench', 'learning.js');

async function bench(args: readonly string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BENCH, ...args], {
      env: { ...process.env, STATESET_LOG_LEVEL: 'warn' },
      maxBuffer: 16 * 1024 * 1024,
    });
    return { stdout, stderr, code: 0 };
  } catch (error) {
    const failed = error as { stdout: string; stderr: string; code: number };
    return { stdout: failed.stdout, stderr: failed.stderr, code: failed.code };
  }
}

type Row = {
  seed: number;
  sftSuccess: number;
  grpoSuccess: number;
  warmStartSuccess: number;
  wallSeconds: number;
  grpoSteps: number;
};
type LearningFile = {
  setup: { curriculumVariations: string[]; grpoRecipe: string[]; warmStart: string };
  seeds: Row[];
  gainMean: number;
  targetMet: boolean;
};

/** The options of the sft run under `runs/name/`. */
function sftOptions(runs: string, name: string): Record<string, unknown> {
  const [folder] = readdirSync(join(runs, name)).filter((entry) => entry.startsWith('sft-'));
  const config = JSON.parse(readFileSync(join(runs, name, folder, 'config.json'), 'utf8')) as {
    options: Record<string, unknown>;
  };
  return config.options;
}

describe('bench:learning', () => {
  it(
    'runs both arms of a seed from one warm start and writes learning.json',
    { timeout: 180_000 },
    async () => {
      const out = mkdtempSync(join(tmpdir(), 'bench-learning-'));
      const result = await bench([
        ...['--seeds', '3', '--shared-warm-start', '--sft-seconds', '4', '--arm-seconds', '9'],
        ...['--eval-tasks', '2', '--demos', '16', '--width', '16', '--layers', '1', '--heads', '2'],
        ...[
          '--curriculum-share',
          '0.5',
          '--curriculum-fragments',
          'lookup+answer',
          '--curriculum-status-swap',
        ],
        ...[
          '--mistake-pattern',
          'habits',
          '--mistake-rate',
          '0.7',
          '--groups',
          '1',
          '--group-size',
          '2',
          '--micro-batch-size',
          '2',
        ],
        ...['--temperature', '0.7', '--kl-coefficient', '0.1', '--no-drop-zero-advantage'],
        ...['--answer-credit', 'partial_facts', '--out', out],
      ]);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);

      const file = JSON.parse(readFileSync(join(out, 'learning.json'), 'utf8')) as LearningFile;
      expect(file.seeds).toHaveLength(1);
      const [row] = file.seeds;
      expect(row.seed).toBe(3);
      for (const rate of [row.sftSuccess, row.grpoSuccess, row.warmStartSuccess]) {
        expect(rate).toBeGreaterThanOrEqual(0);
        expect(rate).toBeLessThanOrEqual(1);
      }
      expect(row.wallSeconds).toBeGreaterThan(0);
      expect(row.grpoSteps).toBeGreaterThanOrEqual(1);
      expect(file.gainMean).toBeCloseTo(row.grpoSuccess - row.sftSuccess, 10);
      expect(file.targetMet).toBe(row.grpoSuccess - row.sftSuccess >= 0.15);
      expect(file.setup.warmStart).toBe('shared');
      expect(file.setup.curriculumVariations).toEqual(['--curriculum-status-swap']);
      expect(file.setup.grpoRecipe).toEqual(expect.arrayContaining(['--kl-coefficient', '0.1']));
      // The table line of the seed, as the README shows it.
      expect(result.stdout).toMatch(
        /^\| 3 \| \d+\.\d% \| \d+\.\d% \| \d+\.\d% \| -?\d+\.\d \| \d+ \| \d+ \/ \d+ \|$/m,
      );

      // The curriculum (and its status swap) is the warm start's; the SFT-only arm continues without.
      const [stamp, ...others] = readdirSync(join(out, 'learning-runs'));
      expect(others).toEqual([]);
      const runs = join(out, 'learning-runs', stamp);
      expect(sftOptions(runs, 'seed-3-sft')).toMatchObject({ curriculumStatusSwap: true });
      expect(sftOptions(runs, 'seed-3-sft-only')).toMatchObject({
        curriculumStatusSwap: false,
        curriculumShare: 0,
      });
      // The GRPO arm's rollouts had partial credit for copied facts.
      const grpoConfig = JSON.parse(readFileSync(join(runs, 'seed-3-grpo', 'config.json'), 'utf8')) as {
        config: Record<string, unknown>;
      };
      expect(grpoConfig.config).toMatchObject({ answerCredit: 'partial_facts', klCoefficient: 0.1 });
      for (const arm of ['warm-start', 'sft-only', 'grpo'])
        expect(existsSync(join(runs, `seed-3-${arm}.json`))).toBe(true);
    },
  );

  it(
    'continues SFT before GRPO with --grpo-seconds, and trains the term on the copy curriculum with --sft-curriculum',
    { timeout: 180_000 },
    async () => {
      const out = mkdtempSync(join(tmpdir(), 'bench-learning-split-'));
      const result = await bench([
        ...['--seeds', '3', '--shared-warm-start', '--sft-seconds', '4', '--arm-seconds', '12'],
        ...['--grpo-seconds', '4', '--eval-tasks', '2', '--demos', '16', '--width', '16'],
        ...['--layers', '1', '--heads', '2', '--curriculum-share', '0.5'],
        ...['--curriculum-fragments', 'lookup+answer', '--curriculum-facts', '--curriculum-fact-weight', '5'],
        ...['--groups', '1', '--group-size', '2', '--micro-batch-size', '2'],
        ...['--sft-coefficient', '0.3', '--sft-curriculum', '--out', out],
      ]);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      const file = JSON.parse(readFileSync(join(out, 'learning.json'), 'utf8')) as LearningFile & {
        seeds: (Row & { sftBeforeGrpoSeconds: number; warmStartSeconds: number })[];
        setup: { grpoSeconds: number; baselineCurriculumAfterWarmStart: boolean };
      };
      const [row] = file.seeds;
      expect(row.sftBeforeGrpoSeconds).toBeGreaterThan(0);
      expect(row.grpoSteps).toBeGreaterThanOrEqual(1);
      expect(file.setup).toMatchObject({ grpoSeconds: 4, baselineCurriculumAfterWarmStart: true });

      const [stamp] = readdirSync(join(out, 'learning-runs'));
      const runs = join(out, 'learning-runs', stamp);
      const [warmFolder] = readdirSync(join(runs, 'seed-3-sft'));
      const warmStart = join(runs, 'seed-3-sft', warmFolder);
      // The GRPO arm's SFT continues the warm start for what the arm leaves before GRPO's last 4 s,
      // with the curriculum's share of it.
      const before = sftOptions(runs, 'seed-3-sft-before-grpo');
      expect(before).toMatchObject({ initCheckpoint: join(warmStart, 'checkpoint.safetensors') });
      expect(Math.abs((before.seconds as number) - (12 - row.warmStartSeconds - 4))).toBeLessThanOrEqual(0.5);
      expect(before.curriculumShare).toBeCloseTo(0.5, 6);
      // GRPO starts from that continuation, its term on the warm start's copy curriculum.
      const grpoConfig = JSON.parse(readFileSync(join(runs, 'seed-3-grpo', 'config.json'), 'utf8')) as {
        config: { initCheckpoint: string; sftData: string; sftCurriculum: boolean; sftCoefficient: number };
      };
      expect(grpoConfig.config.initCheckpoint).toContain(join(runs, 'seed-3-sft-before-grpo'));
      expect(grpoConfig.config).toMatchObject({
        sftData: join(warmStart, 'demonstrations.jsonl'),
        sftCurriculum: true,
        sftCoefficient: 0.3,
      });
      // The baseline's 8 s after the warm start have the curriculum's share too.
      expect(sftOptions(runs, 'seed-3-sft-only').curriculumShare).toBeCloseTo(0.5, 6);
    },
  );

  it('refuses --grpo-seconds without a shared warm start, and --sft-curriculum without its term', async () => {
    const split = await bench(['--seeds', '0', '--grpo-seconds', '60']);
    expect(split.code).not.toBe(0);
    expect(split.stderr).toContain('--grpo-seconds splits the time after a shared warm start');
    const curriculum = await bench(['--seeds', '0', '--sft-curriculum']);
    expect(curriculum.code).not.toBe(0);
    expect(curriculum.stderr).toContain(
      '--sft-curriculum is the supervised term: it needs --sft-coefficient',
    );
  });

  it('refuses --warm-starts without --shared-warm-start, naming both', async () => {
    const result = await bench(['--seeds', '0', '--warm-starts', 'missing.safetensors']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(
      '--warm-starts needs --shared-warm-start and one checkpoint per seed (1)',
    );
  });
});
