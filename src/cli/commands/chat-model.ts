// The agent `chat` talks through: a byte-level checkpoint (ByteChatRenderer) or a Hugging Face model
// directory with an optional LoRA adapter (its own chat template), behind the same ToolAgent that
// training and evaluation use (tools in the system prompt, a context window).

import type { Agent } from '../../agents/agent.js';
import { ByteChatRenderer } from '../../conversation/byte-chat-renderer.js';
import { CheckpointError, ConfigError } from '../../errors.js';
import { loadCheckpoint } from '../../models/checkpoint.js';
import { LanguageModel } from '../../models/language-model.js';
import { ByteTokenizer } from '../../models/tokenizers/byte-tokenizer.js';
import { parameterCount } from '../../models/transformer-params.js';
import { createPolicyAgent } from '../../training/policy-agent.js';
import { loadHfPolicy } from '../../training/hf-policy-model.js';
import type { ChatRenderer } from '../../conversation/chat-renderer.js';
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
 * The checkpoint's model (configuration from its metadata), or the --model directory with its adapter,
 * as a ToolAgent. Throws ConfigError without exactly one of --checkpoint and --model, CheckpointError
 * for a missing, damaged or non-byte-level checkpoint, ModelError for a bad model directory or adapter.
 */
export const checkpointChatAgent: ChatAgentFactory = async ({ config, world }) => {
  if ((config.checkpoint === '') === (config.model === ''))
    throw new ConfigError('invalid_config', 'chat needs --checkpoint FILE or --model DIR (one of them)');
  if (config.adapter !== '' && config.model === '')
    throw new ConfigError('invalid_config', 'flag --adapter needs --model DIR');
  const threads = config.threads === 0 ? undefined : config.threads;
  if (config.model !== '') {
    const hf = await loadHfPolicy({
      dir: config.model,
      ...(config.adapter === '' ? {} : { adapterDir: config.adapter }),
      seed: config.seed,
      threads,
    });
    return policyChatAgent(config, world, {
      model: hf.model,
      renderer: hf.renderer,
      description: hf.description,
    });
  }
  const tokenizer = new ByteTokenizer();
  const modelConfig = await checkpointModelConfig(config.checkpoint);
  if (modelConfig.vocabSize !== tokenizer.vocabSize) {
    throw new CheckpointError(
      'checkpoint_mismatch',
      `${config.checkpoint} has vocabulary ${modelConfig.vocabSize}; the byte tokenizer's is ${tokenizer.vocabSize}`,
    );
  }
  const state = await loadCheckpoint(config.checkpoint, modelConfig);
  const model = new LanguageModel({ config: state.config, parameters: state.parameters, threads });
  const description =
    `${parameterCount(model.config).toLocaleString('en-US')}-parameter model ${config.checkpoint} ` +
    `(context ${model.config.contextLength} tokens)`;
  return policyChatAgent(config, world, {
    model,
    renderer: new ByteChatRenderer({ tokenizer }),
    description,
  });
};

/** The ToolAgent over a local model, as training plays it; a reply may take up to half the context. */
function policyChatAgent(
  config: ChatConfig,
  world: ChatWorld,
  local: { readonly model: LanguageModel; readonly renderer: ChatRenderer; readonly description: string },
): ChatAgent {
  const { model } = local;
  const { contextLength } = model.config;
  const agent = createPolicyAgent({
    backend: model,
    renderer: local.renderer,
    tools: world.tools,
    contextLength,
    maxNewTokens: Math.min(config.maxNewTokens, Math.floor(contextLength / 2)),
    temperature: config.temperature,
    seed: config.seed,
    toolPrompt: config.toolPrompt,
  });
  return { agent, description: local.description, close: () => model.dispose() };
}
