// The environments layer's public surface: contracts, tool execution, stop conditions, simulated
// users, the episode runner, and the built-in support-lite and τ-bench retail environments.

export type { Environment, EnvironmentReset, EnvironmentStep, ResetOptions } from './environment.js';
export type { JsonSchema, Tool, ToolContext, ToolOutcome } from './tool.js';
export {
  errorText,
  runToolCall,
  type RunToolCallOptions,
  type ToolCallResult,
  type ToolErrorKind,
  type ToolExceptionPolicy,
} from './run-tool-call.js';
export {
  addToolErrorCounts,
  answerToolTurn,
  isToolTurn,
  parseFailureMessage,
  type AnswerToolTurnOptions,
  type ToolErrorCounts,
  type ToolTurnAnswer,
} from './answer-tool-turn.js';
export {
  anyOf,
  completionTokens,
  DEFAULT_STOP,
  maxTurns,
  terminalTool,
  tokenBudget,
  toolErrorLimit,
  userStop,
  type EpisodeView,
  type StopCondition,
} from './stop-conditions.js';
export {
  isStopMessage,
  STOP_MARKER,
  type SimulatedUser,
  type UserOpenOptions,
  type UserReply,
  type UserReplyOptions,
} from './users/simulated-user.js';
export {
  matchesAny,
  ScriptedUser,
  type AgentTextPattern,
  type ScriptedUserOptions,
  type ScriptRule,
  type UnknownFact,
  type UserFact,
  type UserScenario,
} from './users/scripted-user.js';
export { DEFAULT_GREETING, LlmUser, tauUserSystemPrompt, type LlmUserOptions } from './users/llm-user.js';
export {
  runEpisode,
  type AgentErrorPolicy,
  type AgentErrorRecord,
  type Episode,
  type RunEpisodeOptions,
  type StepTiming,
} from './run-episode.js';
export {
  runEpisodes,
  runGroup,
  type EpisodeBatch,
  type EpisodeGroup,
  type EpisodeSpec,
  type RunEpisodesOptions,
  type RunGroupOptions,
  type SharedEpisodeOptions,
} from './run-episodes.js';
export { summarizeEpisodes, type EpisodeStats } from './episode-stats.js';
export {
  CHAT_WORLD_NAMES,
  createChatWorld,
  loadChatWorld,
  type ChatToolRunner,
  type ChatWorld,
  type ChatWorldName,
  type LoadChatWorldOptions,
} from './chat-world.js';
export {
  chooseScenario,
  createToolUserEnvironment,
  worldTool,
  type ToolUserEnvironmentOptions,
  type ToolUserState,
} from './tool-user-environment.js';

// support-lite
export {
  createSupportLiteEnvironment,
  loadSupportLiteEnvironment,
  SUPPORT_LITE_NAME,
  supportLiteUserScenario,
  type LoadSupportLiteOptions,
  type SupportLiteEnvironment,
  type SupportLiteOptions,
  type SupportLiteState,
} from './support-lite/environment.js';
export {
  buildSupportLiteScenarios,
  CANCEL_REASONS,
  splitOfUser,
  SUPPORT_LITE_INTENTS,
  type CancelReason,
  type SupportLiteIntent,
  type SupportLiteScenario,
  type SupportLiteSplit,
} from './support-lite/scenarios.js';
export {
  brevity,
  finalAnswerOf,
  partialFactCredit,
  PARTIAL_FACT_CREDIT,
  policyRespected,
  rightAnswer,
  rightArguments,
  rightTool,
  SUPPORT_LITE_REWARD_PARTS,
  supportLiteScore,
  supportLiteTrainingParts,
  type AnswerCredit,
  toolCallsOf,
  type SupportLiteOutcome,
} from './support-lite/rewards.js';
export { freshWorld, SUPPORT_LITE_TOOLS, type SupportLiteWorld } from './support-lite/tools.js';
export { expertTurn, SupportLiteExpert } from './support-lite/expert-agent.js';

// τ-bench retail
export {
  createRetailEnvironment,
  RETAIL_NAME,
  RETAIL_TERMINAL_TOOLS,
  type RetailEnvironment,
  type RetailEnvironmentOptions,
  type RetailLlmUserOptions,
  type RetailScenario,
  type RetailState,
} from './retail/environment.js';
export {
  loadRetailEnvironment,
  RetailEnvironmentConfigSchema,
  type LoadRetailEnvironmentOptions,
  type RetailEnvironmentConfig,
} from './retail/environment-config.js';
export {
  loadRetailTasks,
  RETAIL_SPLITS,
  type RetailAction,
  type RetailSplit,
  type RetailTask,
} from './retail/retail-tasks.js';
export {
  databaseMatchesGold,
  FINISHED_STOP_REASONS,
  requiredOutputsSaid,
  retailTaskScore,
  retailTaskSuccess,
  type RetailOutcome,
} from './retail/task-reward.js';
export { retailUserScenario } from './retail/task-user.js';
