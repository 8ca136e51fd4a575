// The agent `chat` talks through: a byte-level checkpoint behind the same ToolAgent that training
// and evaluation use (ByteChatRenderer, tools in the system prompt, a context window).

import type { Agent } from '../../agents/agent.js';
import { ByteChatRenderer } from '../../conversation/byte-chat-renderer.js';
import { CheckpointError, ConfigError } from '../../errors.js';
import { loadCheckpoint } from '../../models/checkpoint.js';
import { LanguageModel } from '../../models/language-model.js';
import { ByteTokenizer } from '../../models/tokenizers/byte-tokenizer.js';
import { parameterCount } from '../../models/transformer-params.js';
import { createPolicyAgent } from '../../training/policy-agent.js';
import type { ChatConfig } from './chat-config.js';
import type { ChatWorld } from '../../environments/chat-world.js';
import { checkpointModelConfig } from './eval-agents.js';

/** An agent for a chat, how to describe it, and what to release at the end. */
export type ChatAgent = {
  readonly agent: Agent;
  /** One line for the banner, e.g. `412,416-parameter model runs/…/best.safetensors (context 1024)`. */
  readonly description: string;
  close(): Promise<void>;
};

/** Makes the chat's agent for a world; injectable so tests can script it. */
export type ChatAgentFactory = (options: {
  readonly config: ChatConfig;
  readonly world: ChatWorld;
}) => ChatAgent | PromiseLike<ChatAgent>;

/**
 * The checkpoint's model (configuration from its metadata) as a ToolAgent; a reply may take up to half
 * the context. Throws ConfigError without --checkpoint, CheckpointError for a missing, damaged or
 * non-byte-level checkpoint.
 */
export const checkpointChatAgent: ChatAgentFactory = async ({ config, world }) => {
  if (config.checkpoint === '') throw new ConfigError('invalid_config', 'chat needs --checkpoint FILE');
  const tokenizer = new ByteTokenizer();
  const modelConfig = await checkpointModelConfig(config.checkpoint);
  if (modelConfig.vocabSize !== tokenizer.vocabSize) {
    throw new CheckpointError(
      'checkpoint_mismatch',
      `${config.checkpoint} has vocabulary ${modelConfig.vocabSize}; the byte tokenizer's is ${tokenizer.vocabSize}`,
    );
  }
  const state = await loadCheckpoint(config.checkpoint, modelConfig);
  const model = new LanguageModel({
    config: state.config,
    parameters: state.parameters,
    threads: config.threads === 0 ? undefined : config.threads,
  });
  const { contextLength } = model.config;
  const agent = createPolicyAgent({
    backend: model,
    renderer: new ByteChatRenderer({ tokenizer }),
    tools: world.tools,
    contextLength,
    maxNewTokens: Math.min(config.maxNewTokens, Math.floor(contextLength / 2)),
    temperature: config.temperature,
    seed: config.seed,
    toolPrompt: config.toolPrompt,
  });
  return {
    agent,
    description:
      `${parameterCount(model.config).toLocaleString('en-US')}-parameter model ${config.checkpoint} ` +
      `(context ${contextLength} tokens)`,
    close: () => model.dispose(),
  };
};
