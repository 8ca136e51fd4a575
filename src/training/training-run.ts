// A training run from start to end: a new run folder (resolved config, reference weights) or a
// resumed one (its saved config, latest checkpoint, metrics cut back to it), then the GRPO trainer.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '../errors.js';
import { ByteChatRenderer } from '../conversation/byte-chat-renderer.js';
import type { ChatRenderer } from '../conversation/chat-renderer.js';
import { saveLoraAdapter } from '../models/peft-adapter-files.js';
import { LanguageModel } from '../models/language-model.js';
import { ByteTokenizer } from '../models/tokenizers/byte-tokenizer.js';
import { resolveTransformerConfig, type TransformerConfig } from '../models/transformer-config.js';
import { CheckpointManager, writeJson } from './checkpoint-manager.js';
import { INITIAL_EARLY_STOPPING } from './early-stopping.js';
import { trainGrpo, type GrpoTrainerOptions, type StepReport, type TrainingOutcome } from './grpo-trainer.js';
import { truncateMetrics } from './metrics-log.js';
import { parseTrainingConfig } from './resolve-training-config.js';
import { createRunFolder, runPaths, type RunPaths } from './run-paths.js';
import type { TrainingConfig } from './training-config.js';
import { withTrainingEnvironment } from './training-environment.js';
import { loadCurriculumSequences, loadSupervisedSequences } from './supervised-term.js';
import { compactToolsPrompt } from './policy-agent.js';
import { formatToolsPrompt } from '../agents/tool-prompt.js';
import { hfTrainingPolicy } from './hf-training-policy.js';
import {
  copyParameters,
  createPolicyBackend,
  createPolicyModel,
  loadReference,
  saveReference,
} from './training-model.js';

/** What `config.json` in a run folder holds. */
export type SavedRunConfig = {
  readonly config: TrainingConfig;
  /** The resolved model configuration the run trains. */
  readonly model: TransformerConfig;
  /** `hf`: config.model is a Hugging Face directory whose tokenizer and chat template the run uses. */
  readonly tokenizer: 'byte' | 'hf';
};

/** What a run is about to do, for logs and progress displays. */
export type RunStart = {
  readonly paths: RunPaths;
  readonly config: TrainingConfig;
  readonly model: TransformerConfig;
  /** Steps already finished: 0 for a new run. */
  readonly startStep: number;
  readonly resumed: boolean;
};

/** Options of `runTraining`. */
export type RunTrainingOptions = {
  /** The resolved configuration of a new run; ignored when resuming. */
  readonly config: TrainingConfig;
  /** A run folder to continue with its own saved configuration; empty or absent starts a new run. */
  readonly resume?: string;
  /** Process environment, for $STATESET_TAU_RETAIL. */
  readonly processEnv?: Readonly<Record<string, string | undefined>>;
  readonly onStart?: (start: RunStart) => void | PromiseLike<void>;
  readonly onStep?: (report: StepReport) => void | PromiseLike<void>;
  readonly signal?: AbortSignal;
};

/** The run folder, the configuration it used, and how training ended. */
export type RunTrainingResult = {
  readonly paths: RunPaths;
  readonly config: TrainingConfig;
  readonly outcome: TrainingOutcome;
};

/** Runs (or resumes) a training run to its end. */
export async function runTraining(options: RunTrainingOptions): Promise<RunTrainingResult> {
  const prepared =
    options.resume === undefined || options.resume === ''
      ? await newRun(options.config)
      : await resumedRun(options.resume);
  const { paths, config, model, reference } = prepared;
  try {
    const backend = createPolicyBackend(model, config.seed);
    if (prepared.statePath !== undefined) await backend.loadState(prepared.statePath);
    await options.onStart?.({
      paths,
      config,
      model: model.config,
      startStep: prepared.start.step,
      resumed: prepared.resumed,
    });
    const outcome = await withTrainingEnvironment(
      {
        env: config.env,
        data: config.data,
        rewardErrors: config.rewardErrors,
        answerCredit: config.answerCredit,
        successThreshold: config.successThreshold,
        processEnv: options.processEnv,
      },
      async (training) =>
        trainGrpo({
          config,
          training,
          backend,
          reference,
          renderer: prepared.renderer,
          paths,
          start: prepared.start,
          onStep: options.onStep,
          signal: options.signal,
          ...(config.sftCoefficient > 0
            ? {
                supervised: config.sftCurriculum
                  ? await loadCurriculumSequences({
                      path: config.sftData,
                      renderer: prepared.renderer,
                      database: training.database,
                      seed: config.seed,
                      maxTokens: model.config.contextLength + 1,
                    })
                  : await loadSupervisedSequences({
                      path: config.sftData,
                      renderer: prepared.renderer,
                      tools: training.environment.tools,
                      formatTools: config.toolPrompt === 'compact' ? compactToolsPrompt : formatToolsPrompt,
                      maxTokens: model.config.contextLength + 1,
                    }),
              }
            : {}),
        }),
    );
    if (model.adapter !== undefined && typeof config.model === 'string') {
      // The final adapter, as PEFT and vLLM load it.
      const adapter = model.adapter;
      await saveLoraAdapter({
        dir: join(paths.root, 'adapter'),
        adapter,
        config: model.config,
        baseModel: config.model,
      });
    }
    return { paths, config, outcome };
  } finally {
    await Promise.all([model.dispose(), reference.dispose()]);
  }
}

type PreparedRun = {
  readonly paths: RunPaths;
  readonly config: TrainingConfig;
  readonly model: LanguageModel;
  readonly reference: LanguageModel;
  readonly renderer: ChatRenderer;
  readonly start: GrpoTrainerOptions<unknown>['start'];
  readonly resumed: boolean;
  /** A checkpoint whose state (weights, optimiser, step) the backend must load first. */
  readonly statePath?: string;
};

async function newRun(config: TrainingConfig): Promise<PreparedRun> {
  if (isHfRun(config)) {
    const policy = await hfTrainingPolicy(config);
    const paths = createRunFolder(config);
    const saved: SavedRunConfig = { config, model: policy.model.config, tokenizer: 'hf' };
    await writeJson(paths.config, saved);
    return {
      paths,
      config,
      ...policy,
      start: { step: 0, earlyStopping: INITIAL_EARLY_STOPPING },
      resumed: false,
    };
  }
  const model = await createPolicyModel(config);
  const paths = createRunFolder(config);
  const saved: SavedRunConfig = { config, model: model.config, tokenizer: 'byte' };
  await writeJson(paths.config, saved);
  await saveReference(paths.reference, model);
  const reference = new LanguageModel({
    config: model.config,
    parameters: copyParameters(model.parameters),
    threads: model.threads,
  });
  return {
    paths,
    config,
    model,
    reference,
    renderer: byteRenderer(),
    start: { step: 0, earlyStopping: INITIAL_EARLY_STOPPING },
    resumed: false,
  };
}

async function resumedRun(root: string): Promise<PreparedRun> {
  const paths = runPaths(root);
  const saved = await readSavedConfig(paths);
  const { config } = saved;
  const policy = isHfRun(config) ? await hfTrainingPolicy(config) : await byteRunPolicy(paths, saved);
  const { model, reference } = policy;
  const checkpoints = new CheckpointManager(paths, config.keepLastCheckpoints);
  const latest = await checkpoints.readLatest();
  await truncateMetrics(paths.metrics, latest?.step ?? 0);
  return {
    paths,
    config,
    model,
    reference,
    renderer: policy.renderer,
    start: latest === undefined ? { step: 0, earlyStopping: INITIAL_EARLY_STOPPING } : latest,
    resumed: true,
    ...(latest === undefined ? {} : { statePath: checkpoints.checkpointPath(latest) }),
  };
}

/** Reads and validates `config.json` of a run folder; throws ConfigError naming the file and problem. */
export async function readSavedConfig(paths: RunPaths): Promise<SavedRunConfig> {
  let json: { config?: unknown; model?: unknown };
  try {
    json = JSON.parse(await readFile(paths.config, 'utf8')) as typeof json;
  } catch (error) {
    throw new ConfigError(
      'invalid_config',
      `resume (--resume): ${paths.root} is not a training run folder (cannot read ${paths.config})`,
      { cause: error },
    );
  }
  const parsed = parseTrainingConfig(json.config);
  if (!parsed.ok) throw new ConfigError('invalid_config', `${paths.config}: ${parsed.error.message}`);
  return {
    config: parsed.value,
    model: resolveTransformerConfig(json.model),
    tokenizer: isHfRun(parsed.value) ? 'hf' : 'byte',
  };
}

/** A run on a Hugging Face model directory (config.model names it). */
function isHfRun(config: TrainingConfig): config is TrainingConfig & { readonly model: string } {
  return typeof config.model === 'string';
}

function byteRenderer(): ChatRenderer {
  return new ByteChatRenderer({ tokenizer: new ByteTokenizer() });
}

/** A resumed byte-level run: weights start as the saved reference (the initial weights); a checkpoint, if any, then replaces them. */
async function byteRunPolicy(
  paths: RunPaths,
  saved: SavedRunConfig,
): Promise<{ model: LanguageModel; reference: LanguageModel; renderer: ChatRenderer }> {
  const reference = await loadReference(paths.reference, saved.model, saved.config.threads);
  const model = new LanguageModel({
    config: saved.model,
    parameters: copyParameters(reference.parameters),
    threads: reference.threads,
  });
  return { model, reference, renderer: byteRenderer() };
}
