// Exports a LoRA-adapted model with the adapter merged into its weights, for other runtimes: a Hugging
// Face directory (config.json, model.safetensors, the source's tokenizer and generation files) and a
// self-contained ONNX model of the logits graph (weights as initializers; ONNX Runtime contrib ops).

import { copyFile, mkdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../engine/atomic-file.js';
import { exportOnnx } from '../engine/onnx-export.js';
import { saveHfLlama } from './hf-llama-save.js';
import { buildLogitsGraph } from './lm-graphs.js';
import { mergeLoraAdapter } from './lora-merge.js';
import type { LoraAdapter } from './lora-params.js';
import type { TransformerConfig } from './transformer-config.js';
import { parameterSpecs, type ParameterSet } from './transformer-params.js';

/** Files of a Hugging Face directory that travel with the weights unchanged. */
export const HF_SIDE_FILES = [
  'tokenizer.json',
  'tokenizer_config.json',
  'generation_config.json',
  'special_tokens_map.json',
  'chat_template.jinja',
] as const;

/** The name of the ONNX model in an exported directory. */
export const MERGED_ONNX_FILE = 'model.onnx';

/** What `exportMergedModel` exports. */
export type ExportMergedModelOptions = {
  readonly outDir: string;
  readonly config: TransformerConfig;
  readonly parameters: ParameterSet;
  readonly adapter?: LoraAdapter;
  /** The model directory the base came from: its tokenizer and generation files are copied. */
  readonly sourceDir?: string;
  /** Keys added to config.json (eos_token_id, max_position_embeddings of the source). */
  readonly extraConfig?: Readonly<Record<string, unknown>>;
  /** Also write model.onnx (inputs tokens, positions (B, T); output logits (B, T, V)). Default true. */
  readonly onnx?: boolean;
};

/** Writes the merged model into `outDir` and returns the files written. */
export async function exportMergedModel(options: ExportMergedModelOptions): Promise<string[]> {
  const { outDir, config } = options;
  const parameters =
    options.adapter === undefined
      ? options.parameters
      : mergeLoraAdapter({ config, parameters: options.parameters, adapter: options.adapter });
  await mkdir(outDir, { recursive: true });
  await saveHfLlama({ dir: outDir, config, parameters, extraConfig: options.extraConfig });
  const written = ['config.json', 'model.safetensors'];
  for (const file of HF_SIDE_FILES) {
    if (options.sourceDir === undefined || !existsSync(join(options.sourceDir, file))) continue;
    await copyFile(join(options.sourceDir, file), join(outDir, file));
    written.push(file);
  }
  if (options.onnx ?? true) {
    const weights = new Map(
      parameterSpecs(config).map((spec) => [spec.name, parameters.get(spec.name) as Float32Array]),
    );
    await writeFileAtomic(
      join(outDir, MERGED_ONNX_FILE),
      exportOnnx(buildLogitsGraph(config), { initializers: weights }),
    );
    written.push(MERGED_ONNX_FILE);
  }
  return written.map((file) => join(outDir, file));
}
