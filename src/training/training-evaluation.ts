// Evaluation during training: the current weights play the held-out tasks (fixed task draw and
// seeds, so evaluations at different steps are comparable), summarised as success rate, pass^k,
// mean reward and parts, and mean turns.

import type { ChatRenderer } from '../conversation/chat-renderer.js';
import { Rng } from '../engine/random.js';
import { evaluate, type EvaluationTask } from '../evaluation/evaluate.js';
import {
  evaluationMetrics,
  summarizeEvaluation,
  type EvaluationSummary,
} from '../evaluation/evaluation-summary.js';
import type { LanguageModel } from '../models/language-model.js';
import { createPolicyAgent, episodeStop, type ToolPromptStyle } from './policy-agent.js';
import type { TrainingEnvironment } from './training-environment.js';

/** `count` task ids of `ids` drawn without replacement by `seed`, kept in split order; all when count ≥ length. */
export function pickEvaluationTasks(ids: readonly string[], count: number, seed: number): readonly string[] {
  if (count >= ids.length) return ids;
  const order = new Rng(seed).fork('evaluation tasks').shuffle(ids.map((_, index) => index));
  return order
    .slice(0, count)
    .sort((a, b) => a - b)
    .map((index) => ids[index]);
}

/** Options of `evaluatePolicy`. */
export type EvaluatePolicyOptions<TState> = {
  readonly training: TrainingEnvironment<TState>;
  readonly model: LanguageModel;
  readonly renderer: ChatRenderer;
  readonly taskIds: readonly string[];
  readonly trials: number;
  readonly temperature: number;
  readonly maxNewTokens: number;
  readonly maxTurns: number;
  readonly toolPrompt: ToolPromptStyle;
  readonly concurrency: number;
  readonly seed: number;
  readonly signal?: AbortSignal;
};

/** An evaluation's summary, its metrics (`eval/…`), and the tasks with their trajectories. */
export type PolicyEvaluation = {
  readonly summary: EvaluationSummary;
  readonly metrics: Readonly<Record<string, number>>;
  readonly tasks: readonly EvaluationTask[];
};

/** Plays every task `trials` times with the model's current weights and summarises. */
export async function evaluatePolicy<TState>(
  options: EvaluatePolicyOptions<TState>,
): Promise<PolicyEvaluation> {
  const { training, model } = options;
  const tasks = await evaluate({
    environment: training.environment,
    scenarioIds: options.taskIds,
    trials: options.trials,
    agentFor: (episode) =>
      createPolicyAgent({
        backend: model,
        renderer: options.renderer,
        tools: training.environment.tools,
        contextLength: model.config.contextLength,
        maxNewTokens: options.maxNewTokens,
        temperature: options.temperature,
        seed: episode.seed,
        toolPrompt: options.toolPrompt,
      }),
    score: training.score,
    seed: options.seed,
    concurrency: options.concurrency,
    stop: episodeStop(options.maxTurns),
    signal: options.signal,
  });
  const summary = summarizeEvaluation(tasks);
  return { summary, metrics: evaluationMetrics(summary), tasks };
}
