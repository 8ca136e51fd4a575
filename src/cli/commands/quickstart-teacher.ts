// The quickstart's reference row: the scripted teacher whose demonstrations SFT imitates, played on
// exactly the held-out tasks, seeds, stop rule and scorer that `eval` uses for the trained model.

import { SupportLiteTeacher } from '../../environments/support-lite/teacher.js';
import type { MistakePattern } from '../../environments/support-lite/teacher-mistakes.js';
import { anyOf, maxTurns, userStop } from '../../environments/stop-conditions.js';
import { evaluate } from '../../evaluation/evaluate.js';
import { summarizeEvaluation, type EvaluationSummary } from '../../evaluation/evaluation-summary.js';
import type { EvalConfig } from './eval-config.js';
import { withEvalSuite } from './eval-suite.js';

/** Options of `evaluateTeacher`. */
export type TeacherEvaluationOptions = {
  /** The `eval` configuration of the model's evaluations; its environment, tasks and seed are reused. */
  readonly evalConfig: EvalConfig;
  /** The teacher's share of conversations with a mistake, as in the demonstrations. */
  readonly mistakeRate: number;
  /** Where its mistakes fall, as in the demonstrations. */
  readonly mistakePattern: MistakePattern;
  /** Process environment, for $STATESET_TAU_RETAIL. */
  readonly env: Readonly<Record<string, string | undefined>>;
};

/** The teacher's results on the tasks `eval` would run for `evalConfig`. */
export async function evaluateTeacher(options: TeacherEvaluationOptions): Promise<EvaluationSummary> {
  const { evalConfig } = options;
  return withEvalSuite(evalConfig, options.env, async (suite) =>
    summarizeEvaluation(
      await evaluate({
        environment: suite.environment,
        scenarioIds: suite.scenarioIds,
        trials: evalConfig.trials,
        agentFor: (episode) =>
          new SupportLiteTeacher({
            database: suite.database,
            mistakeRate: options.mistakeRate,
            mistakePattern: options.mistakePattern,
            seed: episode.seed,
          }),
        score: suite.score,
        seed: evalConfig.seed,
        concurrency: evalConfig.concurrency,
        stop: anyOf(userStop(), maxTurns(evalConfig.maxTurns)),
      }),
    ),
  );
}
