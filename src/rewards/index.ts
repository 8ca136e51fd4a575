// The rewards layer's public surface: the reward contracts, the weighted rubric, the built-in
// rewards and the group LLM judge. `src/index.ts` re-exports from here.

export type { RewardContext, RewardFunction } from './reward-function.js';
export type { AnyRewardFunction, GroupRewardFunction, GroupScores } from './group-reward-function.js';
export { isGroupReward } from './group-reward-function.js';
export {
  assertRewardName,
  defineReward,
  REWARD_NAME_PATTERN,
  type DefineRewardOptions,
} from './define-reward.js';
export {
  createRubric,
  type Rubric,
  type RubricBatchResult,
  type RubricComponent,
  type RubricErrorPolicy,
  type RubricOptions,
  type RubricResult,
} from './rubric.js';
export { weightedTotal, type WeightedPart } from './weighted-total.js';
export { REWARD_METRICS, summariseRewards } from './reward-metrics.js';
export { taskSuccess, type TaskSuccessCheck, type TaskSuccessOptions } from './task-success.js';
export { toolCallValidity, type ToolCallValidityOptions } from './tool-call-validity.js';
export {
  argumentCorrectness,
  argumentCredit,
  matchExpectedCalls,
  type ArgumentCorrectnessOptions,
  type ExpectedToolCall,
} from './argument-correctness.js';
export {
  findPolicyViolations,
  policyViolations,
  type PolicyRule,
  type PolicyRuleInput,
  type PolicyViolation,
  type PolicyViolationsOptions,
} from './policy-violations.js';
export { lengthPenalty, lengthScore, type LengthMode, type LengthPenaltyOptions } from './length-penalty.js';
export {
  DEFAULT_REFUSAL_PATTERNS,
  isRefusal,
  unsafeRequestRefusal,
  type UnsafeRequestRefusalOptions,
} from './unsafe-refusal.js';
export { leakedIdentifiers, noDataLeak, type NoDataLeakOptions, type UserIdentities } from './data-leak.js';
export {
  createGroupJudge,
  type GroupJudge,
  type GroupJudgeOptions,
  type GroupJudgeVerdict,
} from './judge/group-judge.js';
export { DEFAULT_JUDGE_RUBRIC, GroupJudgeConfigSchema, type GroupJudgeConfig } from './judge/judge-config.js';
