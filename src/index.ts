// The public API of stateset-agents: everything a user imports comes from here (or from
// `stateset-agents/testing`); deep imports are not part of the contract.

// Errors and the catalogue of stable codes.
export * from './errors.js';
export * from './error-catalogue.js';

// Engine: graph IR, autodiff, ONNX Runtime and reference executors, tensors, randomness, files, optimisers.
export { Graph } from './engine/graph.js';
export type { DType, Dim, Shape, Value, OpKind } from './engine/ir.js';
export { gradients } from './engine/autodiff.js';
export { compileGraph, type CompiledGraph, type CompileOptions } from './engine/onnx-executor.js';
export { exportOnnx, type ExportOnnxOptions } from './engine/onnx-export.js';
export { runReference, type Feed, type ReferenceTensor } from './engine/reference-executor.js';
export {
  floatTensor,
  int64Tensor,
  boolTensor,
  zerosTensor,
  toNumbers,
  type Tensor,
} from './engine/tensor.js';
export { Rng, type RngState } from './engine/random.js';
export { readSafetensors, writeSafetensors, type SafetensorsContents } from './engine/safetensors.js';
export type { SafetensorsDtype, SafetensorsTensor } from './engine/safetensors-dtype.js';
export { writeFileAtomic } from './engine/atomic-file.js';
export { adamwStep, createAdamState, type AdamState, type AdamWParams } from './engine/optim/adamw.js';
export { clipGradNorm, globalGradNorm } from './engine/optim/grad-clip.js';
export { GradAccumulator } from './engine/optim/grad-accumulator.js';
export { learningRateAt, type LearningRateOptions, type LrSchedule } from './engine/optim/lr-schedule.js';

// Models: the transformer LM, sampling, tokenizers, configurations and checkpoints.
export { LanguageModel, type LanguageModelOptions } from './models/language-model.js';
export {
  sample,
  type SampleRequest,
  type SampledSequence,
  type SampledToken,
  type SamplingParams,
  type TokenHook,
} from './models/sampler.js';
export {
  TransformerConfigSchema,
  resolveTransformerConfig,
  type TransformerConfig,
} from './models/transformer-config.js';
export {
  initParameters,
  parameterCount,
  parameterSpecs,
  type ParameterSet,
  type ParameterSpec,
} from './models/transformer-params.js';
export {
  DROPOUT_SEED_INPUT,
  buildDecodeGraph,
  buildLogitsGraph,
  buildLogprobGraph,
  buildPrefillGraph,
  type LmGraphOptions,
} from './models/lm-graphs.js';
export {
  CHECKPOINT_FORMAT,
  loadCheckpoint,
  saveCheckpoint,
  type TrainingState,
} from './models/checkpoint.js';
export { hfLlamaToTransformerConfig, type HfLlamaConfigOptions } from './models/hf-llama-config.js';
export { loadHfLlama, mapHfLlamaWeights, hfLlamaName, type HfLlamaModel } from './models/hf-llama-weights.js';
export { loadHfModelDirectory, type HfModelDirectory } from './models/hf-model-directory.js';
export { readHfGenerationConfig, type HfGenerationConfig } from './models/hf-generation-config.js';
export { rotaryInverseFrequencies, type RopeScaling } from './models/rope-scaling.js';
export {
  LORA_TARGET_MODULES,
  LoraConfigSchema,
  loraScale,
  resolveLoraConfig,
  type LoraConfig,
  type LoraTargetModule,
} from './models/lora-config.js';
export {
  initLoraParameters,
  loraParameterSpecs,
  trainableParameterSpecs,
  type LoraAdapter,
} from './models/lora-params.js';
export { mergeLoraAdapter, type MergeLoraOptions } from './models/lora-merge.js';
export {
  ADAPTER_CONFIG_FILE,
  ADAPTER_WEIGHTS_FILE,
  loadLoraAdapter,
  peftTensorName,
  saveLoraAdapter,
  type LoadedLoraAdapter,
  type SaveLoraAdapterOptions,
} from './models/peft-adapter-files.js';
export { parsePeftAdapterConfig, peftAdapterConfig } from './models/peft-adapter-config.js';
export { saveHfLlama, transformerConfigToHfLlama, type SaveHfLlamaOptions } from './models/hf-llama-save.js';
export { exportMergedModel, type ExportMergedModelOptions } from './models/merged-export.js';
export {
  BYTE_VOCAB_SIZE,
  ByteTokenizer,
  DEFAULT_SPECIAL_TOKENS,
  type ByteTokenizerOptions,
} from './models/tokenizers/byte-tokenizer.js';
export { HfTokenizer, loadHfTokenizer } from './models/tokenizers/hf-tokenizer.js';
export type {
  ApplyChatTemplateOptions,
  ChatTemplate,
  ChatTemplateMessage,
  DecodeOptions,
  EncodeOptions,
  Tokenizer,
} from './models/tokenizers/tokenizer.js';

// Backends: the training seam and its local implementation.
export { LocalTrainingBackend, type LocalBackendOptions } from './backends/local-backend.js';
export {
  LOSS_FN_NAMES,
  type AdamParams,
  type Datum,
  type ForwardBackwardResult,
  type LossFnConfig,
  type LossFnInputs,
  type LossFnName,
  type OptimStepResult,
  type TrainingBackend,
} from './backends/training-backend.js';

// Conversation: messages, token-exact trajectories and their files, chat renderers, tool-call text.
export { ConversationError } from './conversation/conversation-error.js';
export type {
  AssistantMessage,
  Message,
  Role,
  SystemMessage,
  ToolCall,
  ToolMessage,
  UserMessage,
} from './conversation/messages.js';
export type {
  StopReason,
  Trajectory,
  TrajectoryGroup,
  TrajectoryMetadata,
  TurnRecord,
  TurnTokens,
} from './conversation/trajectory.js';
export {
  MessageSchema,
  StopReasonSchema,
  ToolCallSchema,
  TrajectoryMetadataSchema,
  TrajectorySchema,
  TurnRecordSchema,
  TurnTokensSchema,
} from './conversation/trajectory-schema.js';
export {
  parseTrajectoriesJsonl,
  readTrajectoriesJsonl,
  trajectoriesToJsonl,
  writeTrajectoriesJsonl,
  type JsonlLineError,
  type ReadTrajectoriesSource,
  type TrajectoriesParse,
  type WriteTrajectoriesOptions,
} from './conversation/trajectory-jsonl.js';
export {
  trajectorySequences,
  trajectoryToDatum,
  trajectoryToDatums,
  type TrajectoryDatumOptions,
} from './conversation/trajectory-datum.js';
export { groupTrajectories } from './conversation/trajectory-groups.js';
export {
  sequenceToDatum,
  type SequenceToDatumOptions,
  type TokenSequence,
} from './conversation/token-sequence.js';
export {
  tokenizeConversation,
  type TokenizeConversationOptions,
} from './conversation/tokenize-conversation.js';
export {
  TokenTranscript,
  type PendingTurn,
  type TokenTranscriptOptions,
} from './conversation/token-transcript.js';
export type {
  ChatRenderer,
  ParseCompletionOptions,
  ParsedCompletion,
  RenderContext,
} from './conversation/chat-renderer.js';
export {
  ByteChatRenderer,
  toolResultHeader,
  type ByteChatRendererOptions,
} from './conversation/byte-chat-renderer.js';
export { HfTemplateRenderer, type HfTemplateRendererOptions } from './conversation/hf-template-renderer.js';
export {
  compileChatTemplate,
  specialTokenVariables,
  tokenizerChatTemplate,
  type ChatTemplateFunction,
  type ChatTemplateInput,
  type CompileChatTemplateOptions,
} from './conversation/chat-template-function.js';
export {
  formatAssistantText,
  formatToolCall,
  formatToolCalls,
  parseToolCalls,
  TOOL_CALL_CLOSE,
  TOOL_CALL_OPEN,
  type ParseToolCallsOptions,
  type ToolCallParse,
  type ToolCallParseFailure,
} from './conversation/tool-call-format.js';
export {
  toFunctionTool,
  type FunctionToolDefinition,
  type ToolDefinition,
} from './conversation/tool-definition.js';

// Agents: the agent and policy contracts, scripted, multi-turn and tool agents, local and HTTP policies.
export { AgentError, PolicyError } from './agents/agent-error.js';
export type { Agent, AgentInput, AgentTurn } from './agents/agent.js';
export type { FinishReason, Policy, PolicyOutput, PolicyRequest } from './agents/policy.js';
export {
  ScriptedAgent,
  type ScriptedAgentOptions,
  type ScriptedTurn,
  type ScriptInput,
} from './agents/scripted-agent.js';
export { MultiTurnAgent, type MultiTurnAgentOptions } from './agents/multi-turn-agent.js';
export { ToolAgent, type ToolAgentOptions, type ToolPromptMode } from './agents/tool-agent.js';
export { formatToolsPrompt } from './agents/tool-prompt.js';
export { composeSystemPrompt, type SystemPromptParts } from './agents/system-prompt.js';
export {
  conversationChars,
  fitContextWindow,
  rendererTokenCounter,
  type ContextWindow,
  type FittedConversation,
} from './agents/context-window.js';
export { LocalPolicy, type LocalPolicyOptions, type LocalSamplingParams } from './agents/local-policy.js';
export {
  OpenAICompatiblePolicy,
  type OpenAICompatiblePolicyOptions,
  type RetryEvent,
} from './agents/openai-compatible-policy.js';
export type { RetryOptions } from './agents/retry-backoff.js';

// Environments: contracts, tools, stop conditions, simulated users, the episode runner, and the
// built-in support-lite and τ-bench retail environments with the data helpers they are built from.
export * from './environments/index.js';
export { findRetailDataDir, type FindRetailDataDirOptions } from './environments/retail/retail-data-dir.js';
export { freshDatabase, loadRetailData } from './environments/retail/retail-data.js';
export type {
  RetailData,
  RetailDatabase,
  RetailOrder,
  RetailToolSchema,
  RetailUser,
} from './environments/retail/retail-types.js';
export type { RetailTool } from './environments/retail/retail-tool.js';
export { findRetailTool, RETAIL_TOOLS } from './environments/retail/retail-tools.js';
export {
  parseReplayActions,
  replayActions,
  type ReplayAction,
  type ReplayOptions,
  type ReplayResult,
} from './environments/retail/replay.js';
export {
  runTauReplay,
  type TauReplayOptions,
  type TauReplayResult,
} from './environments/retail/tau-replay.js';
export { databaseHash } from './environments/retail/database-hash.js';
export {
  DEFAULT_MISTAKE_RATE,
  SupportLiteTeacher,
  type SupportLiteTeacherOptions,
} from './environments/support-lite/teacher.js';
export { TEACHER_MISTAKES, type TeacherMistake } from './environments/support-lite/teacher-mistakes.js';
export {
  generateDemonstrations,
  type Demonstration,
  type GenerateDemonstrationsOptions,
} from './environments/support-lite/teacher-demonstrations.js';
export { canonicalJson } from './environments/retail/canonical-json.js';

// Rewards: reward contracts, the weighted rubric, built-in rewards and the group LLM judge.
export * from './rewards/index.js';

// Evaluation: pass^k, the evaluation runner and summary, scorers and baseline agents.
export * from './evaluation/index.js';

// Training: advantages, loss normalisation, the GRPO-family trainer and its configuration, SFT and
// rejection-sampling fine-tuning, chat datasets.
export * from './training/advantages.js';
export * from './training/policy-datums.js';
export {
  trainGrpo,
  type GrpoTrainerOptions,
  type StepReport,
  type TrainingOutcome,
} from './training/grpo-trainer.js';
export { runTraining, type RunTrainingOptions, type RunTrainingResult } from './training/training-run.js';
export {
  TrainingConfigSchema,
  type TrainingConfig,
  type TrainingConfigInput,
} from './training/training-config.js';
export { TRAINING_PROFILES, type TrainingProfile } from './training/training-profiles.js';
export { parseTrainingConfig, resolveTrainingConfig } from './training/resolve-training-config.js';
export { TRAINING_METRICS } from './training/metric-names.js';
export { createPolicyAgent, compactToolsPrompt, type PolicyAgentOptions } from './training/policy-agent.js';
export {
  runSft,
  SFT_METRICS,
  trajectorySftSequences,
  type SftOptions,
  type SftResult,
} from './training/sft.js';
export { sftLoss, type SftLossOptions } from './training/sft-loss.js';
export { tokenizeChatExamples, type TokenizeChatExamplesOptions } from './training/chat-dataset-tokens.js';
export { runRejectionSamplingFineTuning, selectBestOfGroups } from './training/rejection-sampling.js';
export { parseChatJsonl, readChatJsonl, type ChatExample } from './training/chat-dataset.js';

// Run reports: a training run folder's self-contained report.html.
export * from './training/report/index.js';

// Serving: stores, backends and resilience, conversation and training-job routes, the server and
// a whole serving process (`stateset-agents serve`).
export * from './serving/index.js';

// Configuration: one zod schema drives flags, files, environment and help.
export { resolveConfig, type ResolveConfigOptions } from './config/schema-config.js';
export { renderHelp, type HelpOptions } from './config/help-text.js';
export {
  assertDocumented,
  describeFields,
  envName,
  type ConfigField,
  type ConfigSchema,
} from './config/schema-fields.js';
export type { ConfigResult } from './config/config-result.js';

// Observability.
export {
  createLogger,
  LOG_LEVELS,
  LOG_LEVEL_ENV,
  type Logger,
  type LoggerOptions,
  type LogLevel,
} from './observability/logger.js';

// The command line, for embedding it or running it in-process.
export { runCli } from './cli/main.js';
export type { CliIo, CliOutput } from './cli/cli-io.js';
