// The serving layer's public surface: stores, chat backends and the resilience layer, the
// conversation and training-job routes, the server and a whole serving process.

// Serving stores: conversations shared by replicas (memory, Redis) and captured trajectories (JSONL, Redis).
export type {
  ConversationStatus,
  ConversationStore,
  Feedback,
  NewConversation,
  ReleaseLock,
  StoredConversation,
} from './conversation-store.js';
export type { CapturedConversation, TrajectoryStore } from './trajectory-store.js';
export { StoreError } from './stores/store-error.js';
export type { RedisConnectionOptions } from './stores/redis-connection.js';
export {
  MemoryConversationStore,
  type MemoryConversationStoreOptions,
} from './stores/memory-conversation-store.js';
export {
  RedisConversationStore,
  type RedisConversationStoreOptions,
} from './stores/redis-conversation-store.js';
export { JsonlTrajectoryStore, type JsonlTrajectoryStoreOptions } from './stores/jsonl-trajectory-store.js';
export { RedisTrajectoryStore, type RedisTrajectoryStoreOptions } from './stores/redis-trajectory-store.js';
export type { InvalidLine } from './stores/captured-conversation-json.js';

// Serving backends: the chat backend contract, a local checkpoint, an upstream endpoint, and the
// resilience layer around either (timeout, retry, circuit breaker, concurrency limit, fallback).
export type {
  BackendReadiness,
  ChatBackend,
  Completion,
  CompletionDelta,
  CompletionRequest,
  SamplingParams as ChatSamplingParams,
  TokenLogprob,
} from './chat-backend.js';
export {
  BackendError,
  isBackendFault,
  isRetryableError,
  type BackendErrorOptions,
} from './backends/backend-error.js';
export { LocalChatBackend, type LocalChatBackendOptions } from './backends/local-chat-backend.js';
export type { LocalModelSource } from './backends/local-model-loader.js';
export { findLatestCheckpoint } from './backends/find-latest-checkpoint.js';
export { UpstreamChatBackend, type UpstreamChatBackendOptions } from './backends/upstream-chat-backend.js';
export {
  ResilientChatBackend,
  type CallOutcome,
  type ResilienceHooks,
  type ResilientChatBackendOptions,
} from './resilience/resilient-chat-backend.js';
export {
  CircuitBreaker,
  type BreakerAdmission,
  type BreakerPermit,
  type BreakerState,
  type BreakerStateChange,
  type CircuitBreakerOptions,
} from './resilience/circuit-breaker.js';
export {
  ConcurrencyLimiter,
  type ConcurrencyLimiterOptions,
  type ReleaseSlot,
} from './resilience/concurrency-limiter.js';
export {
  withRetry,
  type RetryEvent as BackendRetryEvent,
  type RetryRunOptions,
  type Sleep,
} from './resilience/retry.js';
export { withTimeout, type TimeoutOptions } from './resilience/timeout.js';

// Serving conversations and training jobs: route plugins for buildServer, with their settings.
export { conversationRoutes, type ConversationRoutesOptions } from './conversations/conversation-routes.js';
export { ConversationsConfigSchema, type ConversationsConfig } from './conversations/conversations-config.js';
export type { ConversationView } from './conversations/conversation-views.js';
export type { TurnReply } from './conversations/conversation-turn-step.js';
export type { TurnEnd } from './conversations/conversation-turn.js';
export type { ConversationStopReason } from './conversations/conversation-facts.js';
export { capturedConversation } from './conversations/capture.js';
export { TrainingJobManager, type TrainingJobManagerOptions } from './training-jobs/training-job-manager.js';
export { trainingJobRoutes, type TrainingJobRoutesOptions } from './training-jobs/training-job-routes.js';
export { TrainingJobsConfigSchema, type TrainingJobsConfig } from './training-jobs/training-jobs-config.js';
export {
  TRAINING_JOB_STATUSES,
  type TrainingJobStatus,
  type TrainingJobView,
} from './training-jobs/training-job.js';

// Serving: the server (buildServer, its configuration, auth, metrics) and a whole serving process
// (the stack a configuration builds, startServer, graceful shutdown), as `stateset-agents serve` runs it.
export { buildServer } from './server.js';
export type { BuildServerOptions, StatesetServer } from './server-options.js';
export type { ServerDeps, ServerPlugin } from './server-deps.js';
export {
  ApiKeyHashSchema,
  ServeConfigSchema,
  redactServeConfig,
  type ApiKeyHash,
  type ServeConfig,
} from './serve-config.js';
export { hashApiKey } from './api-keys.js';
export { SCOPES, type Principal, type Scope } from './principal.js';
export { createServerMetrics, type ServerMetrics, type ServerMetricsOptions } from './server-metrics.js';
export { METRIC } from './metric-names.js';
export { DEFAULT_FALLBACK_MESSAGE, fallbackCompletion } from './resilience/fallback-completion.js';
export {
  ServingStackConfigSchema,
  conversationsConfigOf,
  trainingJobsConfigOf,
  type ServingStackConfig,
} from './serving-stack-config.js';
export {
  createConfiguredBackend,
  type ConfiguredBackend,
  type ConfiguredBackendOptions,
} from './configured-backend.js';
export {
  BREAKER_STATE_VALUE,
  resilienceMetricHooks,
  type ResilienceMetricHooksOptions,
} from './resilience-metrics.js';
export {
  captureFileName,
  createServingStack,
  type ServingStack,
  type ServingStackOptions,
} from './create-serving-stack.js';
export {
  GracefulShutdown,
  type GracefulShutdownOptions,
  type ShutdownReport,
  type ShutdownStep,
  type SignalSource,
} from './graceful-shutdown.js';
export { startServer, type RunningServer, type StartServerOptions } from './start-server.js';
