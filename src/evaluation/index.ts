// The evaluation layer's public surface: pass^k, the evaluation runner and its summary, the built-in
// environments' scorers, and the baseline agents (retail gold, seeded random). `src/index.ts` re-exports it.

export { passHatK, passHatKCurve, type PassHatKOptions } from './pass-hat-k.js';
export {
  episodeSeed,
  evaluate,
  type EpisodeScore,
  type EvaluateOptions,
  type EvaluationEpisode,
  type EvaluationTask,
  type EvaluationTrial,
} from './evaluate.js';
export {
  EVAL_METRICS,
  evaluationMetrics,
  summarizeEvaluation,
  type EvaluationSummary,
} from './evaluation-summary.js';
export {
  SCORE_TOLERANCE,
  scoreRetailEpisode,
  SUPPORT_LITE_SUCCESS_THRESHOLD,
  supportLiteScorer,
} from './episode-scorers.js';
export { EvaluationError } from './evaluation-error.js';
export { retailGoldAgent } from './retail-gold-agent.js';
export {
  randomToolAgent,
  retailArgumentPools,
  type ArgumentPools,
  type RandomToolAgentOptions,
} from './random-tool-agent.js';
