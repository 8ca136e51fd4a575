// The held-out evaluation at the end of `sft`: the trained model plays support-lite's test split as
// the training loop's policy agent does, next to the scripted teacher on the same episodes.

import type { ChatRenderer } from '../../conversation/chat-renderer.js';
import type { Agent } from '../../agents/agent.js';
import { SupportLiteTeacher } from '../../environments/support-lite/teacher.js';
import type { MistakePattern } from '../../environments/support-lite/teacher-mistakes.js';
import { evaluate } from '../../evaluation/evaluate.js';
import { supportLiteScorer } from '../../evaluation/episode-scorers.js';
import { summarizeEvaluation, type EvaluationSummary } from '../../evaluation/evaluation-summary.js';
import type { LanguageModel } from '../../models/language-model.js';
import { pickEvaluationTasks } from '../../training/training-evaluation.js';
import { createPolicyAgent, episodeStop, type ToolPromptStyle } from '../../training/policy-agent.js';
import type { SupportLiteWorldData } from './sft-data.js';

/** Agent turns after which an evaluation episode ends (support-lite needs at most four). */
export const SFT_EVAL_MAX_TURNS = 8;

/** Options of `evaluateSftModel`. */
export type SftEvaluationOptions = {
  readonly world: SupportLiteWorldData;
  readonly model: LanguageModel;
  readonly renderer: ChatRenderer;
  readonly episodes: number;
  readonly seed: number;
  readonly temperature: number;
  readonly maxNewTokens: number;
  readonly toolPrompt: ToolPromptStyle;
  readonly concurrency: number;
  /** The teacher's mistake rate and pattern, for the comparison row. */
  readonly mistakeRate: number;
  readonly mistakePattern?: MistakePattern;
};

/** The model's and the teacher's results on the same held-out episodes. */
export type SftEvaluation = { readonly model: EvaluationSummary; readonly teacher: EvaluationSummary };

/** Plays `episodes` held-out tasks (drawn with `seed`) with the model, then with the teacher. */
export async function evaluateSftModel(options: SftEvaluationOptions): Promise<SftEvaluation> {
  const { world, model } = options;
  const scenarioIds = pickEvaluationTasks(
    world.environment.scenarioIds('test'),
    options.episodes,
    options.seed,
  );
  const run = async (agentFor: (seed: number) => Agent) =>
    summarizeEvaluation(
      await evaluate({
        environment: world.environment,
        scenarioIds,
        trials: 1,
        agentFor: (episode) => agentFor(episode.seed),
        score: supportLiteScorer(),
        seed: options.seed,
        concurrency: options.concurrency,
        stop: episodeStop(SFT_EVAL_MAX_TURNS),
      }),
    );
  const modelSummary = await run((seed) =>
    createPolicyAgent({
      backend: model,
      renderer: options.renderer,
      tools: world.environment.tools,
      contextLength: model.config.contextLength,
      maxNewTokens: options.maxNewTokens,
      temperature: options.temperature,
      seed,
      toolPrompt: options.toolPrompt,
    }),
  );
  const teacherSummary = await run(
    (seed) =>
      new SupportLiteTeacher({
        database: world.database,
        mistakeRate: options.mistakeRate,
        mistakePattern: options.mistakePattern,
        seed,
      }),
  );
  return { model: modelSummary, teacher: teacherSummary };
}
