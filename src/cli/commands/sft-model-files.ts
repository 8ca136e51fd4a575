// What an `sft --model` run writes besides its checkpoint: the trained LoRA adapter as a PEFT folder,
// or (full fine-tuning) the weights as a Hugging Face directory; with --export-merged, the merged model.

import { join } from 'node:path';
import type { LanguageModel } from '../../models/language-model.js';
import { exportMergedModel } from '../../models/merged-export.js';
import { saveLoraAdapter } from '../../models/peft-adapter-files.js';

/** Options of `saveSftModelFiles`. */
export type SftModelFilesOptions = {
  readonly runDir: string;
  readonly model: LanguageModel;
  /** The --model directory: the adapter's base_model_name_or_path and the tokenizer files' source. */
  readonly modelDir: string;
  readonly exportMerged: boolean;
};

/** Writes `adapter/` (LoRA) or `model/` (full fine-tuning), and `merged/` when asked; returns report lines. */
export async function saveSftModelFiles(options: SftModelFilesOptions): Promise<string[]> {
  const { runDir, model, modelDir } = options;
  const lines: string[] = [];
  const adapter = model.adapter;
  if (adapter !== undefined) {
    const dir = join(runDir, 'adapter');
    await saveLoraAdapter({ dir, adapter, config: model.config, baseModel: modelDir });
    lines.push(`adapter:    ${dir}`);
  }
  if (adapter === undefined || options.exportMerged) {
    const dir = join(runDir, adapter === undefined ? 'model' : 'merged');
    await exportMergedModel({
      outDir: dir,
      config: model.config,
      parameters: model.parameters,
      ...(adapter === undefined ? {} : { adapter }),
      sourceDir: modelDir,
      onnx: options.exportMerged,
    });
    lines.push(`${adapter === undefined ? 'model:  ' : 'merged: '}    ${dir}`);
  }
  return lines;
}
