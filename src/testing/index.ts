// Test helpers shipped to users as `stateset-agents/testing`: a tiny model configuration that runs
// in milliseconds, the engine's op cases and finite-difference check for testing custom ops, and a
// scripted loopback server speaking the OpenAI chat-completions protocol.

import { resolveTransformerConfig, type TransformerConfig } from '../models/transformer-config.js';

export { OP_CASES, weightedSumLoss, type OpCase, type OpCaseBuild } from '../engine/op-cases.js';
export { FD_EPSILON, finiteDifferenceGradient, type FiniteDifferenceOptions } from '../engine/gradcheck.js';
export {
  startChatCompletionsServer,
  type ChatCompletionsServer,
  type ChatCompletionsServerOptions,
} from './chat-completions-server.js';
export type {
  ChatRequestBody,
  ChatRequestMessage,
  RecordedChatRequest,
  ScriptedBehaviour,
  ScriptedReply,
  ScriptedResponder,
  ScriptedToolCall,
  ScriptedUsage,
} from './chat-completions-behaviour.js';
export { SCRIPTED_USAGE } from './chat-completions-replies.js';

/** The tiny model of `tinyModelConfig`: vocab 32, context 16, width 16, 2 layers, 2 heads. */
export const TINY_MODEL_CONFIG = {
  vocabSize: 32,
  contextLength: 16,
  width: 16,
  layers: 2,
  heads: 2,
  mlpWidth: 32,
} as const;

/** A validated transformer config small enough for unit tests; `overrides` change any field. */
export function tinyModelConfig(overrides: Partial<TransformerConfig> = {}): TransformerConfig {
  return resolveTransformerConfig({ ...TINY_MODEL_CONFIG, ...overrides });
}
