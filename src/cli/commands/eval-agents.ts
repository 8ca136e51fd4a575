// The agents `eval` can run, one fresh agent per episode: the environment's perfect agent, a seeded
// random one, a ToolAgent over an OpenAI-compatible endpoint, or one over a local model: a byte-level
// checkpoint, or a Hugging Face model directory (with a LoRA adapter) through its own chat template.

import { readFile } from 'node:fs/promises';
import type { Agent } from '../../agents/agent.js';
import { OpenAICompatiblePolicy } from '../../agents/openai-compatible-policy.js';
import { ToolAgent } from '../../agents/tool-agent.js';
import { createPolicyAgent } from '../../training/policy-agent.js';
import { loadHfPolicy } from '../../training/hf-policy-model.js';
import type { ChatRenderer } from '../../conversation/chat-renderer.js';
import { ByteChatRenderer } from '../../conversation/byte-chat-renderer.js';
import { readSafetensors } from '../../engine/safetensors.js';
import { CheckpointError, ConfigError } from '../../errors.js';
import type { EvaluationEpisode } from '../../evaluation/evaluate.js';
import { randomToolAgent, retailArgumentPools } from '../../evaluation/random-tool-agent.js';
import { loadCheckpoint } from '../../models/checkpoint.js';
import { LanguageModel } from '../../models/language-model.js';
import { ByteTokenizer } from '../../models/tokenizers/byte-tokenizer.js';
import { resolveTransformerConfig, type TransformerConfig } from '../../models/transformer-config.js';
import type { EvalConfig } from './eval-config.js';
import type { EvalSuite } from './eval-suite.js';

/** How `eval` makes agents: one per episode, and what to release afterwards. */
export type EvalAgents = {
  /** How the agent is named in the report, e.g. `openai:gpt-4o` or `local:run/checkpoint.safetensors`. */
  readonly label: string;
  agentFor(episode: EvaluationEpisode): Agent;
  close(): Promise<void>;
};

/** The agents for `config.agent`; throws ConfigError('invalid_config') naming a missing flag. */
export async function createEvalAgents<TState>(
  config: EvalConfig,
  suite: EvalSuite<TState>,
): Promise<EvalAgents> {
  const none = async () => {};
  switch (config.agent) {
    case 'gold':
      return { label: 'gold', agentFor: (episode) => suite.goldAgent(episode.scenarioId), close: none };
    case 'random': {
      const pools = retailArgumentPools(suite.database);
      const tools = suite.environment.tools;
      return {
        label: 'random',
        agentFor: (episode) => randomToolAgent({ seed: episode.seed, tools, pools }),
        close: none,
      };
    }
    case 'openai': {
      if (config.baseUrl === '')
        throw new ConfigError('invalid_config', 'flag --agent openai needs --base-url');
      if (config.model === '') throw new ConfigError('invalid_config', 'flag --agent openai needs --model');
      const policy = new OpenAICompatiblePolicy({
        baseURL: config.baseUrl,
        model: config.model,
        ...(config.apiKey === '' ? {} : { apiKey: config.apiKey }),
        temperature: config.temperature,
        maxTokens: config.maxNewTokens,
      });
      const tools = suite.environment.tools;
      return {
        label: `openai:${config.model}`,
        agentFor: () => new ToolAgent({ policy, tools }),
        close: none,
      };
    }
    case 'local':
      return localAgents(config, suite);
  }
}

/**
 * ToolAgents over a byte-level checkpoint (ByteChatRenderer) or an HF model directory (its template),
 * tools in the system prompt, the oldest turns dropped to leave room for a reply of up to half the context.
 */
async function localAgents<TState>(config: EvalConfig, suite: EvalSuite<TState>): Promise<EvalAgents> {
  if ((config.checkpoint === '') === (config.model === ''))
    throw new ConfigError(
      'invalid_config',
      'flag --agent local needs --checkpoint FILE or --model DIR (one of them)',
    );
  if (config.adapter !== '' && config.model === '')
    throw new ConfigError('invalid_config', 'flag --adapter needs --model DIR');
  if (config.model !== '') {
    const hf = await loadHfPolicy({
      dir: config.model,
      ...(config.adapter === '' ? {} : { adapterDir: config.adapter }),
      seed: config.seed,
    });
    const label = `local:${config.model}${config.adapter === '' ? '' : `+${config.adapter}`}`;
    return policyAgents(config, suite, { model: hf.model, renderer: hf.renderer, label });
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
  const model = new LanguageModel({ config: state.config, parameters: state.parameters });
  const renderer = new ByteChatRenderer({ tokenizer });
  return policyAgents(config, suite, { model, renderer, label: `local:${config.checkpoint}` });
}

/** ToolAgents over a local model, as training and sft play it. */
function policyAgents<TState>(
  config: EvalConfig,
  suite: EvalSuite<TState>,
  local: { readonly model: LanguageModel; readonly renderer: ChatRenderer; readonly label: string },
): EvalAgents {
  const { model, renderer } = local;
  const maxNewTokens = Math.min(config.maxNewTokens, Math.floor(model.config.contextLength / 2));
  const tools = suite.environment.tools;
  return {
    label: local.label,
    // The agent training and sft play, so a checkpoint is evaluated on the prompts it learned.
    agentFor: (episode) =>
      createPolicyAgent({
        backend: model,
        renderer,
        tools,
        contextLength: model.config.contextLength,
        maxNewTokens,
        temperature: config.temperature,
        seed: episode.seed,
        toolPrompt: config.toolPrompt,
      }),
    close: () => model.dispose(),
  };
}

/**
 * The model configuration a checkpoint records in its metadata. Throws CheckpointError:
 * 'checkpoint_not_found' for no file, 'invalid_safetensors' for a file that is not safetensors or
 * records no configuration, 'invalid_model_config' (ModelError) for a configuration that is invalid.
 */
export async function checkpointModelConfig(path: string): Promise<TransformerConfig> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new CheckpointError('checkpoint_not_found', `no checkpoint at ${path}`, { cause: error });
  }
  const { metadata } = readSafetensors(bytes);
  if (metadata.config === undefined) {
    throw new CheckpointError(
      'invalid_safetensors',
      `${path} records no model configuration (metadata "config"); --agent local needs a stateset-agents checkpoint, such as quickstart's checkpoint.safetensors`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(metadata.config);
  } catch (error) {
    throw new CheckpointError('invalid_safetensors', `${path}: metadata "config" is not JSON`, {
      cause: error,
    });
  }
  return resolveTransformerConfig(parsed);
}
