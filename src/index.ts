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
export { sample, type SampleRequest, type SampledSequence, type SamplingParams } from './models/sampler.js';
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
export { buildDecodeGraph, buildLogprobGraph, buildPrefillGraph } from './models/lm-graphs.js';
export {
  CHECKPOINT_FORMAT,
  loadCheckpoint,
  saveCheckpoint,
  type TrainingState,
} from './models/checkpoint.js';
export { hfLlamaToTransformerConfig, loadHfLlama, type HfLlamaModel } from './models/hf-llama-weights.js';
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
