// The learning result: on support-lite with the embedded engine, SFT on a mistaken teacher's
// demonstrations, then GRPO on the verifiable reward, against an SFT-only baseline trained for the
// same wall time. Held-out success for both, per seed; written to benchmark_results/learning.json.
// The two arms of a seed run side by side, each a CLI process with one ONNX Runtime thread (one of
// the machine's two cores each), so a seed takes one arm's budget of wall time. By default each arm
// starts from scratch (the baseline is one uninterrupted SFT schedule); with --shared-warm-start the
// warm start runs once (or is given, --warm-starts) and both arms continue from it, GRPO or SFT.
// Usage: npm run bench:learning [-- --seeds 0,1,2 --arm-seconds 840 --sft-seconds 360 --eval-tasks 0
//   --width 64 --layers 2 --heads 2 --previous-token-embedding --previous-tokens 1 --curriculum-share 0.5
//   --curriculum-copy-weight 20 --curriculum-fragments lookup|lookup+answer|… --curriculum-facts --curriculum-status-swap --curriculum-fact-weight 1 --sft-lr 0.003 --tool-copy-weight 1
//   --mistake-rate 0.3 --mistake-pattern random|habits
//   --shared-warm-start [--warm-starts ckpt0,ckpt1,ckpt2] [--grpo-seconds 120 (SFT continues before GRPO)]
//   --micro-batch-size 8 --groups 4 --group-size 8 --grpo-lr 2e-5 --temperature 1
//   --kl-coefficient 0.1 --no-drop-zero-advantage --batch-baseline 0.5 --answer-credit partial_facts
//   --sft-coefficient 0.1 --sft-batch-size 8 (GRPO also trains on the warm start's demonstrations)
//   --sft-curriculum (… on its copy curriculum instead; the baseline's extra time then has its curriculum share too)]

import { access, mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { cli, printed } from './support/cli-process.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args[at + 1] : fallback;
};
const seeds = option('seeds', '0,1,2').split(',').map(Number);
/** Wall-clock budget of each arm: warm start + GRPO, and the SFT-only baseline. */
const armSeconds = Number(option('arm-seconds', '840'));
/** The GRPO arm's warm start; GRPO gets the rest of the arm's budget. */
const sftSeconds = Number(option('sft-seconds', '360'));
/**
 * Held-out tasks each checkpoint is evaluated on; 0 (the default): the whole held-out split (762
 * support-lite tasks, about 45 s a checkpoint), where a sample of 100 has a standard error of about
 * 5 points per arm.
 */
const evalTasks = option('eval-tasks', '0');
const demos = option('demos', '2000');
const mistakeRate = option('mistake-rate', '0.3');
const mistakePattern = option('mistake-pattern', 'random');
/** Both arms continue from one warm start (run once per seed, or given by --warm-starts). */
const sharedWarmStart = args.includes('--shared-warm-start');
/** Warm-start checkpoints made beforehand, one per seed, in --seeds order (with --shared-warm-start). */
const givenWarmStarts = args.includes('--warm-starts') ? option('warm-starts', '').split(',') : undefined;
const model = [
  '--width',
  option('width', '64'),
  '--layers',
  option('layers', '2'),
  '--heads',
  option('heads', '2'),
  // Both arms alike: x_t = E[tok_t] + E_prev[tok_{t−1}], a shortcut to copying (GRPO inherits it).
  ...(args.includes('--previous-token-embedding') ? ['--previous-token-embedding'] : []),
  ...(args.includes('--previous-tokens') ? ['--previous-tokens', option('previous-tokens', '1')] : []),
];
/** Share of the warm start spent on the copy curriculum; the baseline's curriculum is as long in seconds. */
const curriculumShare = Number(option('curriculum-share', '0.5'));
/**
 * GRPO's supervised term on the warm start's copy curriculum. The copying it teaches is then part
 * of the GRPO arm's time, so the baseline's time after the warm start has the curriculum share too.
 */
const sftCurriculum = args.includes('--sft-curriculum');
/**
 * GRPO's share of the arm after a shared warm start, in seconds: the GRPO arm first continues SFT
 * as the baseline does for the rest of its time, then runs GRPO for these seconds. Default: all of it.
 */
const grpoSeconds = args.includes('--grpo-seconds') ? Number(option('grpo-seconds', '')) : undefined;
if (grpoSeconds !== undefined && !(grpoSeconds > 0))
  throw new Error(`--grpo-seconds must be a number of seconds > 0, got ${option('grpo-seconds', '')}`);
if (grpoSeconds !== undefined && !args.includes('--shared-warm-start'))
  throw new Error(
    '--grpo-seconds splits the time after a shared warm start: add --shared-warm-start (or lengthen --sft-seconds)',
  );
if (sftCurriculum && !args.includes('--sft-coefficient'))
  throw new Error('--sft-curriculum is the supervised term: it needs --sft-coefficient');
// The same SFT recipe for the warm start and the baseline, so that only GRPO differs.
const sftRecipe = [
  '--curriculum-copy-weight',
  option('curriculum-copy-weight', '20'),
  '--curriculum-fragments',
  option('curriculum-fragments', 'lookup'),
  '--learning-rate',
  option('sft-lr', '0.003'),
  '--tool-copy-weight',
  option('tool-copy-weight', '1'),
];
// What varies the copy curriculum; only for runs that have one (sft refuses them otherwise).
const curriculumVariations = [
  ...(args.includes('--curriculum-facts') ? ['--curriculum-facts'] : []),
  ...(args.includes('--curriculum-status-swap') ? ['--curriculum-status-swap'] : []),
  ...(args.includes('--curriculum-fact-weight')
    ? ['--curriculum-fact-weight', option('curriculum-fact-weight', '1')]
    : []),
];
// GRPO's settings; the micro-batch bounds the attention activations (B·H·T·T) of an update.
const grpoRecipe = [
  '--micro-batch-size',
  option('micro-batch-size', '8'),
  '--groups-per-step',
  option('groups', '4'),
  '--group-size',
  option('group-size', '8'),
  ...(args.includes('--grpo-lr') ? ['--learning-rate', option('grpo-lr', '')] : []),
  ...(args.includes('--temperature') ? ['--temperature', option('temperature', '')] : []),
  ...(args.includes('--kl-coefficient') ? ['--kl-coefficient', option('kl-coefficient', '')] : []),
  // Zero-advantage groups kept in the update: with a KL penalty they hold their behaviour in place.
  ...(args.includes('--no-drop-zero-advantage') ? ['--no-drop-zero-advantage'] : []),
  // Part of the baseline from the step's mean reward: all-alike groups reinforce what they did.
  ...(args.includes('--batch-baseline') ? ['--batch-baseline', option('batch-baseline', '0')] : []),
  // Partial credit for copying part of an item list or address in the rollouts' reward (train only).
  ...(args.includes('--answer-credit') ? ['--answer-credit', option('answer-credit', 'exact')] : []),
  // The supervised term (PPO-ptx) on the warm start's own demonstrations (--sft-data, added per seed).
  ...(args.includes('--sft-coefficient')
    ? ['--sft-coefficient', option('sft-coefficient', '0'), '--sft-batch-size', option('sft-batch-size', '8')]
    : []),
  ...(sftCurriculum ? ['--sft-curriculum'] : []),
];
if (givenWarmStarts !== undefined && (!sharedWarmStart || givenWarmStarts.length !== seeds.length)) {
  throw new Error(
    `--warm-starts needs --shared-warm-start and one checkpoint per seed (${seeds.length}), got ${givenWarmStarts.length}`,
  );
}
for (const checkpoint of givenWarmStarts ?? []) {
  await access(checkpoint).catch(() => {
    throw new Error(`--warm-starts: no checkpoint at ${checkpoint}`);
  });
}
const outDir = option('out', 'benchmark_results');
/** This run's folders, under a timestamp, so that runs never collide with an earlier one's. */
const runsDir = join(outDir, 'learning-runs', new Date().toISOString().replace(/[:.]/g, '-'));

/**
 * SFT for `seconds`, the first `curriculumSeconds` of them on the copy curriculum, from scratch or
 * from `initCheckpoint`; returns the checkpoint.
 */
async function sft(
  seed: number,
  seconds: number,
  curriculumSeconds: number,
  name: string,
  initCheckpoint?: string,
): Promise<string> {
  const out = await cli([
    'sft',
    '--seed',
    String(seed),
    '--demos',
    demos,
    '--mistake-rate',
    mistakeRate,
    '--mistake-pattern',
    mistakePattern,
    ...(initCheckpoint === undefined ? model : ['--init-checkpoint', initCheckpoint]),
    ...sftRecipe,
    ...(curriculumSeconds > 0 ? curriculumVariations : []),
    '--curriculum-share',
    String(curriculumSeconds / seconds),
    '--seconds',
    String(seconds),
    '--eval-episodes',
    '0',
    '--threads',
    '1',
    '--out',
    join(runsDir, name),
  ]);
  return printed(out, 'checkpoint');
}

/**
 * GRPO from `init` until `seconds` run out, its supervised term (if any) on the demonstrations of
 * `warmStart` (the seed's warm start, which `init` may continue); returns the final checkpoint and
 * the steps taken.
 */
async function grpo(
  seed: number,
  init: string,
  seconds: number,
  warmStart = init,
): Promise<{ checkpoint: string; steps: number }> {
  const name = `seed-${seed}-grpo`;
  await cli([
    'train',
    '--env',
    'support-lite',
    '--seed',
    String(seed),
    '--init-checkpoint',
    init,
    '--steps',
    '10000',
    '--seconds',
    String(Math.max(1, Math.round(seconds))),
    '--eval-episodes',
    '0',
    '--runs-dir',
    runsDir,
    '--run-name',
    name,
    '--checkpoint-every',
    '0',
    '--sample-every',
    '0',
    '--max-new-tokens',
    '256',
    '--threads',
    '1',
    ...grpoRecipe,
    ...(args.includes('--sft-coefficient')
      ? ['--sft-data', join(dirname(warmStart), 'demonstrations.jsonl')]
      : []),
  ]);
  const latest = JSON.parse(await readFile(join(runsDir, name, 'latest.json'), 'utf8')) as {
    checkpoint: string;
    step: number;
  };
  return { checkpoint: join(runsDir, name, latest.checkpoint), steps: latest.step };
}

type Evaluation = { successRate: number; meanReward: number; meanParts: Record<string, number> };

async function heldOut(checkpoint: string, seed: number, file: string): Promise<Evaluation> {
  await cli([
    'eval',
    '--env',
    'support-lite',
    '--agent',
    'local',
    '--checkpoint',
    checkpoint,
    '--split',
    'heldout',
    '--tasks',
    evalTasks,
    '--seed',
    String(10_000 + seed),
    '--max-new-tokens',
    '256',
    '--out',
    file,
  ]);
  const results = JSON.parse(await readFile(file, 'utf8')) as { summary: Evaluation };
  const { successRate, meanReward, meanParts } = results.summary;
  return { successRate, meanReward, meanParts };
}

/** Seconds since `start` (a performance.now() reading). */
const since = (start: number) => (performance.now() - start) / 1000;

const curriculumSeconds = curriculumShare * sftSeconds;
const loadAtStart = os.loadavg();
await mkdir(runsDir, { recursive: true });

/** The seconds an `sft` run was given, from the config.json beside its checkpoint. */
async function sftRunSeconds(checkpoint: string): Promise<number> {
  const file = join(dirname(checkpoint), 'config.json');
  const saved = JSON.parse(await readFile(file, 'utf8')) as {
    command?: string;
    options?: { seconds?: number };
  };
  const seconds = saved.options?.seconds;
  if (saved.command !== 'sft' || typeof seconds !== 'number' || seconds <= 0) {
    throw new Error(`--warm-starts: ${file} is not that of an sft run with a --seconds budget`);
  }
  return seconds;
}

/** Both arms of a seed from one warm start: GRPO, and SFT continued, side by side for the rest of the budget. */
async function sharedArms(seed: number, index: number) {
  const start = performance.now();
  const given = givenWarmStarts?.[index];
  const warmStart = given ?? (await sft(seed, sftSeconds, curriculumSeconds, `seed-${seed}-sft`));
  const warmStartSeconds = given === undefined ? since(start) : await sftRunSeconds(given);
  const armStart = performance.now();
  const rest = armSeconds - warmStartSeconds;
  if (rest <= 0) throw new Error(`seed ${seed}: the warm start (${warmStartSeconds} s) leaves no arm budget`);
  const moreSft = grpoSeconds === undefined ? 0 : rest - grpoSeconds;
  if (grpoSeconds !== undefined && moreSft <= 0)
    throw new Error(
      `seed ${seed}: --grpo-seconds ${grpoSeconds} leaves no SFT before GRPO (the arm has ${rest} s)`,
    );
  const [grpoArm, baselineArm] = await Promise.all([
    (async () => {
      const init =
        moreSft > 0
          ? await sft(
              seed,
              moreSft,
              sftCurriculum ? curriculumShare * moreSft : 0,
              `seed-${seed}-sft-before-grpo`,
              warmStart,
            )
          : warmStart;
      const sftBeforeGrpoSeconds = moreSft > 0 ? since(armStart) : 0;
      const trained = await grpo(seed, init, rest - since(armStart), warmStart);
      return { ...trained, sftBeforeGrpoSeconds, seconds: since(armStart) };
    })(),
    sft(seed, rest, sftCurriculum ? curriculumShare * rest : 0, `seed-${seed}-sft-only`, warmStart).then(
      (checkpoint) => ({
        checkpoint,
        seconds: since(armStart),
      }),
    ),
  ]);
  return {
    grpoArm: { warmStart, warmStartSeconds, ...grpoArm, wallSeconds: warmStartSeconds + grpoArm.seconds },
    baselineArm: { checkpoint: baselineArm.checkpoint, wallSeconds: warmStartSeconds + baselineArm.seconds },
  };
}

/** Each arm from scratch, side by side: warm start then GRPO, and one uninterrupted SFT run. */
async function separateArms(seed: number) {
  const start = performance.now();
  const [grpoArm, baselineArm] = await Promise.all([
    (async () => {
      const warmStart = await sft(seed, sftSeconds, curriculumSeconds, `seed-${seed}-sft`);
      const warmStartSeconds = since(start);
      const trained = await grpo(seed, warmStart, armSeconds - warmStartSeconds);
      return { warmStart, warmStartSeconds, sftBeforeGrpoSeconds: 0, ...trained, wallSeconds: since(start) };
    })(),
    (async () => {
      const baselineCurriculum = sftCurriculum ? curriculumShare * armSeconds : curriculumSeconds;
      const checkpoint = await sft(seed, armSeconds, baselineCurriculum, `seed-${seed}-sft-only`);
      return { checkpoint, wallSeconds: since(start) };
    })(),
  ]);
  return { grpoArm, baselineArm };
}

const rows = [];
for (const [index, seed] of seeds.entries()) {
  const { grpoArm, baselineArm } = sharedWarmStart ? await sharedArms(seed, index) : await separateArms(seed);
  const evaluations = {
    warmStart: await heldOut(grpoArm.warmStart, seed, join(runsDir, `seed-${seed}-warm-start.json`)),
    sftOnly: await heldOut(baselineArm.checkpoint, seed, join(runsDir, `seed-${seed}-sft-only.json`)),
    grpo: await heldOut(grpoArm.checkpoint, seed, join(runsDir, `seed-${seed}-grpo.json`)),
  };
  const row = {
    seed,
    sftSuccess: evaluations.sftOnly.successRate,
    grpoSuccess: evaluations.grpo.successRate,
    warmStartSuccess: evaluations.warmStart.successRate,
    wallSeconds: Math.round(grpoArm.wallSeconds),
    baselineWallSeconds: Math.round(baselineArm.wallSeconds),
    warmStartSeconds: Math.round(grpoArm.warmStartSeconds),
    grpoSteps: grpoArm.steps,
    sftBeforeGrpoSeconds: Math.round(grpoArm.sftBeforeGrpoSeconds),
    evaluations,
  };
  rows.push(row);
  console.log(JSON.stringify(row));
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const spread = (values: number[]) => Math.max(...values) - Math.min(...values);
const gains = rows.map((r) => r.grpoSuccess - r.sftSuccess);
const result = {
  environment: 'support-lite',
  setup: {
    demos: Number(demos),
    mistakeRate: Number(mistakeRate),
    mistakePattern,
    warmStart: sharedWarmStart ? (givenWarmStarts === undefined ? 'shared' : 'given') : 'separate',
    givenWarmStarts,
    armSeconds,
    sftSeconds,
    curriculumSeconds,
    baselineCurriculumAfterWarmStart: sftCurriculum,
    grpoSeconds,
    evalTasks: Number(evalTasks),
    threadsPerArm: 1,
    model,
    sftRecipe,
    curriculumVariations,
    grpoRecipe,
    loadAverage: { start: loadAtStart, end: os.loadavg() },
    cores: os.cpus().length,
  },
  seeds: rows,
  sftSuccessMean: mean(rows.map((r) => r.sftSuccess)),
  grpoSuccessMean: mean(rows.map((r) => r.grpoSuccess)),
  gainMean: mean(gains),
  gainSpread: spread(gains),
  targetMet: gains.every((g) => g >= 0.15),
};
await mkdir(outDir, { recursive: true });
await writeFile(join(outDir, 'learning.json'), `${JSON.stringify(result, null, 2)}\n`);
console.log(
  '| seed | warm start | SFT-only success | SFT + GRPO success | gain (points) | GRPO steps | wall s |',
);
console.log('|---|---|---|---|---|---|---|');
for (const r of rows) {
  const pct = (value: number) => `${(100 * value).toFixed(1)}%`;
  console.log(
    `| ${r.seed} | ${pct(r.warmStartSuccess)} | ${pct(r.sftSuccess)} | ${pct(r.grpoSuccess)} | ` +
      `${(100 * (r.grpoSuccess - r.sftSuccess)).toFixed(1)} | ${r.grpoSteps} | ${r.wallSeconds} / ${r.baselineWallSeconds} |`,
  );
}
console.log(JSON.stringify(result));
