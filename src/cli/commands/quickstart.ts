// `stateset-agents quickstart`: the whole pipeline in one budget. SFT on support-lite teacher
// demonstrations, a held-out evaluation, GRPO from that checkpoint, the same evaluation again, and
// a before/after table next to the teacher; every stage writes into one run folder.

import { copyFileSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { EvaluationSummary } from '../../evaluation/evaluation-summary.js';
import { ConfigError } from '../../errors.js';
import { createLogger } from '../../observability/logger.js';
import { writeRunReport } from '../../training/report/write-run-report.js';
import type { CliIo } from '../cli-io.js';
import { defineCommand } from '../command.js';
import { createRunDirectory } from '../run-directory.js';
import { EvalConfigSchema, type EvalConfig } from './eval-config.js';
import { evalCommand } from './eval.js';
import { QuickstartConfigSchema, type QuickstartConfig } from './quickstart-config.js';
import { runQuickstartGrpo } from './quickstart-grpo.js';
import { formatPercent, renderComparisonTable } from './quickstart-table.js';
import { evaluateTeacher } from './quickstart-teacher.js';
import { hasAnswerFragments, SftConfigSchema } from './sft-config.js';
import { sftCommand } from './sft.js';
import { formatDuration } from './train-progress.js';

/** The `quickstart` command. */
export const quickstartCommand = defineCommand({
  name: 'quickstart',
  summary:
    'SFT on support-lite teacher demonstrations, then GRPO, with held-out success before and after (about 5 minutes).',
  schema: QuickstartConfigSchema,
  run: runQuickstart,
});

async function runQuickstart(config: QuickstartConfig, io: CliIo): Promise<void> {
  checkCurriculum(config);
  createLogger({ name: 'quickstart', destination: io.stderr, env: io.env }).info(
    { config },
    'resolved configuration',
  );
  const started = performance.now();
  const clock = () => formatDuration((performance.now() - started) / 1000);
  const runDir = createRunDirectory({ parent: config.out, prefix: 'quickstart' });
  const sftSeconds = config.sftSeconds > 0 ? config.sftSeconds : config.seconds * config.sftShare;
  io.stdout.write(
    `quickstart: ${runDir}\n` +
      `  budget ${formatDuration(config.seconds)}: SFT on ${config.demos} teacher demonstrations ` +
      `(${sftLimit(config, sftSeconds)}), then GRPO (${config.grpoSteps > 0 ? `${config.grpoSteps} steps` : 'until the budget is spent'}); ` +
      `${config.evalTasks} held-out tasks evaluated before and after GRPO\n`,
  );

  io.stdout.write(`\n[1/4 sft] imitate the teacher (${teacherMistakes(config)})\n`);
  await sftCommand.run(
    SftConfigSchema.parse({
      env: 'support-lite',
      demos: config.demos,
      mistakeRate: config.mistakeRate,
      mistakePattern: config.mistakePattern,
      retailData: config.retailData,
      width: config.width,
      layers: config.layers,
      heads: config.heads,
      context: config.context,
      curriculumShare: config.curriculumShare,
      curriculumCopyWeight: config.curriculumCopyWeight,
      curriculumFragments: config.curriculumFragments,
      curriculumStatusSwap: config.curriculumStatusSwap,
      previousTokenEmbedding: config.previousTokenEmbedding,
      previousTokens: config.previousTokenEmbedding ? config.previousTokens : 1,
      learningRate: config.sftLearningRate,
      // A time budget alone: sft takes the steps that fit and its schedule decays over them.
      ...(config.sftSteps > 0 ? { steps: config.sftSteps } : { seconds: sftSeconds }),
      evalEpisodes: 0,
      seed: config.seed,
      out: runDir,
      threads: config.threads,
    }),
    io,
  );
  const sftCheckpoint = join(runDir, sftFolder(runDir), 'checkpoint.safetensors');

  io.stdout.write(`\n[2/4 eval] the SFT model on ${config.evalTasks} held-out tasks (${clock()})\n`);
  const evalConfig = (checkpoint: string, out: string): EvalConfig =>
    EvalConfigSchema.parse({
      env: 'support-lite',
      agent: 'local',
      checkpoint,
      split: 'heldout',
      tasks: config.evalTasks,
      seed: config.seed,
      maxNewTokens: config.maxNewTokens,
      data: config.retailData,
      out,
    });
  const before = await runEvaluation(evalConfig(sftCheckpoint, join(runDir, 'eval-before.json')), io);
  const teacher = await evaluateTeacher({
    evalConfig: evalConfig(sftCheckpoint, ''),
    mistakeRate: config.mistakeRate,
    mistakePattern: config.mistakePattern,
    env: io.env,
  });
  io.stdout.write(`  teacher on the same tasks: ${summaryLine(teacher)}\n`);

  io.stdout.write(`\n[3/4 grpo] reinforcement learning on the support-lite reward (${clock()})\n`);
  const grpo = await runQuickstartGrpo({
    initCheckpoint: sftCheckpoint,
    runsDir: runDir,
    runName: 'grpo',
    steps: config.grpoSteps,
    // What is left once the after-evaluation, assumed as long as the one before, is set aside.
    deadline: started + 1000 * (config.seconds - before.seconds),
    seed: config.seed,
    maxNewTokens: config.maxNewTokens,
    temperature: config.grpoTemperature,
    klCoefficient: config.grpoKlCoefficient,
    dropZeroAdvantage: config.grpoDropZeroAdvantage,
    threads: config.threads,
    retailData: config.retailData,
    output: io.stdout,
    logOutput: io.stderr,
    processEnv: io.env,
  });
  io.stdout.write(
    `  ${grpo.steps} step${grpo.steps === 1 ? '' : 's'} in ${formatDuration(grpo.seconds)}` +
      `${grpo.stoppedBy === 'deadline' ? ' (stopped for the time budget)' : ''}; checkpoint ${grpo.checkpoint}\n`,
  );

  io.stdout.write(`\n[4/4 eval] the GRPO model on the same tasks (${clock()})\n`);
  const after = await runEvaluation(evalConfig(grpo.checkpoint, join(runDir, 'eval-after.json')), io);
  // The run's report shows the same before/after table as its own evaluation would.
  for (const file of ['eval-before.json', 'eval-after.json'])
    copyFileSync(join(runDir, file), join(grpo.runDir, file));
  const report = await writeRunReport({ runDir: grpo.runDir });

  io.stdout.write(
    `\nheld-out support-lite, ${before.summary.tasks} tasks, greedy; quickstart took ${clock()}\n` +
      renderComparisonTable([
        { label: 'SFT', summary: before.summary },
        { label: 'SFT + GRPO', summary: after.summary },
        { label: `teacher (${teacherColumn(config)})`, summary: teacher },
      ]) +
      `\nrun folder:      ${runDir}\n` +
      `sft checkpoint:  ${sftCheckpoint}\n` +
      `grpo checkpoint: ${grpo.checkpoint}\n` +
      `evaluations:     ${join(runDir, 'eval-before.json')}, ${join(runDir, 'eval-after.json')}\n` +
      `report:          ${report.path}\n` +
      `\nchat with the trained agent:\n` +
      `  stateset-agents chat --checkpoint ${grpo.checkpoint} --env support-lite --max-new-tokens ${config.maxNewTokens}\n` +
      `evaluate it on the whole held-out split:\n` +
      `  stateset-agents eval --agent local --checkpoint ${grpo.checkpoint} --env support-lite --tasks 0 --max-new-tokens ${config.maxNewTokens}\n`,
  );
}

/** Runs `eval` with its table kept off stdout (the quickstart prints its own); progress stays on stderr. */
async function runEvaluation(
  config: EvalConfig,
  io: CliIo,
): Promise<{ summary: EvaluationSummary; seconds: number }> {
  const started = performance.now();
  await evalCommand.run(config, { ...io, stdout: { write: () => true } });
  const results = JSON.parse(await readFile(config.out, 'utf8')) as { summary: EvaluationSummary };
  const seconds = (performance.now() - started) / 1000;
  io.stdout.write(`  ${summaryLine(results.summary)} in ${formatDuration(seconds)}; results ${config.out}\n`);
  return { summary: results.summary, seconds };
}

/** The folder `sft` created in the (otherwise empty) quickstart run folder. */
function sftFolder(runDir: string): string {
  const folders = readdirSync(runDir).filter((name) => name.startsWith('sft-'));
  if (folders.length !== 1)
    throw new Error(`expected one sft run folder in ${runDir}, found ${folders.length}`);
  return folders[0];
}

/** The status swap is on by default; a curriculum without answer fragments has to say it is off. */
function checkCurriculum(config: QuickstartConfig): void {
  if (!config.curriculumStatusSwap) return;
  if (!hasAnswerFragments(config.curriculumFragments)) {
    throw new ConfigError(
      'invalid_config',
      `--curriculum-status-swap (on by default) changes answer fragments, and --curriculum-fragments ${config.curriculumFragments} has none: use answer or lookup+answer, or add --no-curriculum-status-swap`,
    );
  }
  if (config.curriculumShare === 0) {
    throw new ConfigError(
      'invalid_config',
      '--curriculum-status-swap (on by default) varies the copy curriculum, and --curriculum-share is 0: add --no-curriculum-status-swap',
    );
  }
}

/** What the teacher gets wrong, for the SFT stage's heading. */
function teacherMistakes(config: QuickstartConfig): string {
  return config.mistakePattern === 'habits'
    ? `it follows its habits in ${formatPercent(config.mistakeRate)} of the situations they apply to`
    : `it errs in ${formatPercent(config.mistakeRate)} of conversations`;
}

/** The teacher's column heading. */
function teacherColumn(config: QuickstartConfig): string {
  return config.mistakePattern === 'habits'
    ? `habits ${formatPercent(config.mistakeRate)}`
    : `${formatPercent(config.mistakeRate)} mistakes`;
}

function sftLimit(config: QuickstartConfig, sftSeconds: number): string {
  return config.sftSteps > 0 ? `${config.sftSteps} steps` : formatDuration(sftSeconds);
}

function summaryLine(summary: EvaluationSummary): string {
  return `success ${formatPercent(summary.successRate)} (${summary.successes}/${summary.episodes}), mean reward ${summary.meanReward.toFixed(3)}`;
}
