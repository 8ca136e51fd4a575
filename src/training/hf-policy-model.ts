// A policy from a Hugging Face model directory: the Llama weights on the engine, a LoRA adapter (fresh
// or saved), and the chat renderer over the model's own tokenizer and template (incremental and
// token-exact, so multi-turn RL trains on exactly the tokens it sampled).

import { HfTemplateRenderer } from '../conversation/hf-template-renderer.js';
import { ConfigError } from '../errors.js';
import { loadHfModelDirectory, type HfModelDirectory } from '../models/hf-model-directory.js';
import { LanguageModel } from '../models/language-model.js';
import type { LoraConfig } from '../models/lora-config.js';
import { initLoraParameters, type LoraAdapter } from '../models/lora-params.js';
import { loadLoraAdapter } from '../models/peft-adapter-files.js';
import { parameterCount } from '../models/transformer-params.js';

/** Positions used when a caller sets no limit: rotary tables of 128k-position checkpoints would cost memory for nothing. */
export const DEFAULT_HF_MAX_CONTEXT = 8192;

/** Options of `loadHfPolicy`. */
export type HfPolicyOptions = {
  readonly dir: string;
  /** A fresh adapter with this configuration (B = 0: the model starts as the base). */
  readonly lora?: LoraConfig;
  /** A saved PEFT adapter folder to load instead. */
  readonly adapterDir?: string;
  /** At most this many positions (default DEFAULT_HF_MAX_CONTEXT, or the checkpoint's max_position_embeddings when smaller). */
  readonly maxContextLength?: number;
  readonly seed: number;
  /** ONNX Runtime threads; undefined uses every core. */
  readonly threads?: number;
};

/** A loaded HF policy. */
export type HfPolicy = {
  readonly model: LanguageModel;
  readonly renderer: HfTemplateRenderer;
  readonly directory: HfModelDirectory;
  /** One line for logs: parameters, layers, context, adapter. */
  readonly description: string;
};

/** Loads the directory, attaches the adapter, and builds the renderer. */
export async function loadHfPolicy(options: HfPolicyOptions): Promise<HfPolicy> {
  if (options.lora !== undefined && options.adapterDir !== undefined) {
    throw new ConfigError(
      'invalid_config',
      'give either a fresh adapter (--lora-rank) or --adapter DIR, not both',
    );
  }
  const directory = await loadHfModelDirectory(options.dir, {
    maxContextLength: options.maxContextLength ?? DEFAULT_HF_MAX_CONTEXT,
  });
  const { config } = directory;
  let adapter: LoraAdapter | undefined;
  if (options.adapterDir !== undefined) adapter = await loadLoraAdapter(options.adapterDir, config);
  else if (options.lora !== undefined)
    adapter = { config: options.lora, parameters: initLoraParameters(config, options.lora, options.seed) };
  const model = new LanguageModel({
    config,
    parameters: directory.parameters,
    ...(adapter === undefined ? {} : { adapter }),
    threads: options.threads,
    // A vocab_size padded beyond the tokenizer: never sample ids the tokenizer cannot decode.
    samplableVocabSize: Math.min(config.vocabSize, directory.tokenizer.vocabSize),
  });
  // The token the template ends a reply with first (the renderer writes it), then generation_config's eos ids.
  const templateStops = new HfTemplateRenderer({ tokenizer: directory.tokenizer }).stopTokenIds;
  const renderer = new HfTemplateRenderer({
    tokenizer: directory.tokenizer,
    stopTokenIds: [...new Set([...templateStops, ...directory.stopTokenIds])],
  });
  const adapterText =
    adapter === undefined
      ? 'no adapter'
      : `LoRA r=${adapter.config.rank} alpha=${adapter.config.alpha} dropout=${adapter.config.dropout} on ${adapter.config.targets.join(',')}` +
        (options.adapterDir === undefined ? '' : ` from ${options.adapterDir}`);
  const description =
    `${parameterCount(config).toLocaleString('en-US')}-parameter HF model ${options.dir} ` +
    `(${config.layers} layers, width ${config.width}, ${config.heads}/${config.kvHeads ?? config.heads} heads, ` +
    `context ${config.contextLength}; ${adapterText})`;
  return { model, renderer, directory, description };
}
