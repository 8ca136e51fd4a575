// `stateset-agents eval`: runs an agent on every task of a split, --trials times, scores each episode
// with the environment's success rule, and reports success rate, pass^1 … pass^n (τ-bench, Yao et al.
// 2024, arXiv:2406.12045), mean reward and parts, and mean turns; --out writes the results as JSON.

import { writeFileAtomic } from '../../engine/atomic-file.js';
import { writeTrajectoriesJsonl } from '../../conversation/trajectory-jsonl.js';
import { anyOf, maxTurns, userStop } from '../../environments/stop-conditions.js';
import { evaluate, type EvaluationTask } from '../../evaluation/evaluate.js';
import { summarizeEvaluation } from '../../evaluation/evaluation-summary.js';
import { createLogger } from '../../observability/logger.js';
import type { CliIo } from '../cli-io.js';
import { defineCommand } from '../command.js';
import { PLAIN_PROGRESS_INTERVAL_MS, ProgressDisplay } from '../progress-display.js';
import { createEvalAgents } from './eval-agents.js';
import { EvalConfigSchema, redactedConfig, type EvalConfig } from './eval-config.js';
import { evalResultsJson, renderEvalTable, type EvalRunInfo } from './eval-report.js';
import { withEvalSuite, type EvalSuite } from './eval-suite.js';

/** The `eval` command: exit 0 whatever the agent scores; 1 for bad flags, data, checkpoint or files. */
export const evalCommand = defineCommand({
  name: 'eval',
  summary: 'Evaluate an agent on a retail or support-lite split: success rate, pass^1…pass^n, reward parts.',
  schema: EvalConfigSchema,
  run: async (config, io) => {
    createLogger({ name: 'eval', destination: io.stderr, env: io.env }).info(
      { config: redactedConfig(config) },
      'resolved configuration',
    );
    await withEvalSuite(config, io.env, (suite) => runEval(config, suite, io));
  },
});

async function runEval<TState>(config: EvalConfig, suite: EvalSuite<TState>, io: CliIo): Promise<void> {
  const agents = await createEvalAgents(config, suite);
  const started = performance.now();
  const display = new ProgressDisplay({ output: io.stderr });
  let successes = 0;
  let tasks: EvaluationTask[];
  try {
    tasks = await evaluate({
      environment: suite.environment,
      scenarioIds: suite.scenarioIds,
      trials: config.trials,
      agentFor: (episode) => agents.agentFor(episode),
      score: suite.score,
      seed: config.seed,
      concurrency: config.concurrency,
      stop: anyOf(userStop(), maxTurns(config.maxTurns)),
      onEpisode: (trial, done, total) => {
        if (trial.success) successes++;
        const elapsed = performance.now() - started;
        if (io.stderr.isTTY === true || elapsed >= PLAIN_PROGRESS_INTERVAL_MS) {
          display.update(
            `eval: ${done}/${total} episodes, ${successes} successes, ${(elapsed / 1000).toFixed(1)} s`,
          );
        }
      },
    });
  } finally {
    display.finish();
    await agents.close();
  }
  const summary = summarizeEvaluation(tasks);
  const run: EvalRunInfo = {
    environment: suite.environment.name,
    agent: agents.label,
    split: suite.split,
    splitSize: suite.splitSize,
    user: config.user,
    seconds: (performance.now() - started) / 1000,
  };
  io.stdout.write(renderEvalTable(summary, run));
  warnAboutAgentErrors(tasks, io);
  if (config.out !== '') {
    await writeFileAtomic(
      config.out,
      evalResultsJson({ config: redactedConfig(config), run, summary, tasks }),
    );
    io.stdout.write(`results: ${config.out}\n`);
  }
  if (config.trajectories !== '') {
    const trajectories = tasks.flatMap((task) =>
      task.trials.map((trial) => ({
        ...trial.trajectory,
        reward: trial.reward,
        rewardParts: trial.parts,
        metadata: { ...trial.trajectory.metadata, trial: trial.trial, success: trial.success },
      })),
    );
    await writeTrajectoriesJsonl({ path: config.trajectories, trajectories });
    io.stdout.write(`trajectories: ${config.trajectories}\n`);
  }
}

/** Agent failures end episodes and count as failures; say so loudly, with the first error. */
function warnAboutAgentErrors(tasks: readonly EvaluationTask[], io: CliIo): void {
  const failed = tasks.flatMap((task) => task.trials).filter((trial) => trial.stopReason === 'agent_error');
  if (failed.length === 0) return;
  const error = failed[0].trajectory.metadata.agentError as { code?: string; message?: string } | undefined;
  const first = error === undefined ? '' : `; first: [${error.code ?? 'error'}] ${error.message ?? ''}`;
  io.stderr.write(`warning: ${failed.length} episodes ended with agent_error${first}\n`);
}
