// `stateset-agents sft`: supervised fine-tuning of a byte-level model, or of a Hugging Face model
// directory (--model, optionally with a LoRA adapter), on support-lite teacher demonstrations or a chat
// JSONL file, then a held-out evaluation next to the teacher. Writes the checkpoint (and the adapter),
// the resolved configuration, per-step metrics and the evaluation into a run folder.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compactToolsPrompt } from '../../training/policy-agent.js';
import { formatToolsPrompt } from '../../agents/tool-prompt.js';
import { ByteChatRenderer } from '../../conversation/byte-chat-renderer.js';
import { writeTrajectoriesJsonl } from '../../conversation/trajectory-jsonl.js';
import { findRetailDataDir } from '../../environments/retail/retail-data-dir.js';
import { loadRetailData } from '../../environments/retail/retail-data.js';
import { createSupportLiteEnvironment } from '../../environments/support-lite/environment.js';
import { ConfigError, EnvironmentError } from '../../errors.js';
import { evaluationMetrics, type EvaluationSummary } from '../../evaluation/evaluation-summary.js';
import { ByteTokenizer } from '../../models/tokenizers/byte-tokenizer.js';
import { parameterCount } from '../../models/transformer-params.js';
import { createLogger } from '../../observability/logger.js';
import { appendMetrics } from '../../training/metrics-log.js';
import { checkSftSequences, runSft, SFT_METRICS, type SftStep } from '../../training/sft.js';
import { createPolicyBackend, createPolicyModel } from '../../training/training-model.js';
import { checkLoraFlagsNeedModel, loraConfigFromFlags } from '../../training/hf-policy-flags.js';
import { loadHfPolicy, type HfPolicy } from '../../training/hf-policy-model.js';
import { saveSftModelFiles } from './sft-model-files.js';
import type { CliIo } from '../cli-io.js';
import { defineCommand } from '../command.js';
import { ProgressDisplay } from '../progress-display.js';
import { createRunDirectory } from '../run-directory.js';
import { hasAnswerFragments, SftConfigSchema, type SftConfig } from './sft-config.js';
import { sftCopyCurriculum } from '../../training/copy-curriculum.js';
import { curriculumLength } from './sft-curriculum.js';
import { loadSftData, type SupportLiteWorldData } from './sft-data.js';
import { evaluateSftModel } from './sft-eval.js';

/** The `sft` command. */
export const sftCommand = defineCommand({
  name: 'sft',
  summary: 'Supervised fine-tuning on teacher demonstrations or chat JSONL, then a held-out evaluation.',
  schema: SftConfigSchema,
  run: runSftCommand,
});

async function runSftCommand(config: SftConfig, io: CliIo): Promise<void> {
  createLogger({ name: 'sft', destination: io.stderr, env: io.env }).info(
    { config },
    'resolved configuration',
  );
  if (config.previousTokens > 1 && !config.previousTokenEmbedding) {
    throw new ConfigError(
      'invalid_config',
      `--previous-tokens ${config.previousTokens} needs --previous-token-embedding (the tables it sizes)`,
    );
  }
  if (config.curriculumFacts && config.curriculumShare === 0) {
    throw new ConfigError(
      'invalid_config',
      '--curriculum-facts varies the copy curriculum: it needs --curriculum-share > 0',
    );
  }
  if (config.curriculumStatusSwap && !hasAnswerFragments(config.curriculumFragments)) {
    throw new ConfigError(
      'invalid_config',
      `--curriculum-status-swap changes answer fragments: it needs --curriculum-fragments answer or lookup+answer (got ${config.curriculumFragments})`,
    );
  }
  if (config.curriculumStatusSwap && config.curriculumShare === 0) {
    throw new ConfigError(
      'invalid_config',
      '--curriculum-status-swap varies the copy curriculum: it needs --curriculum-share > 0',
    );
  }
  const curriculum = config.curriculumShare > 0 ? curriculumLength(config) : undefined;
  const hf = await loadHfModel(config);
  const world = config.data === '' || config.evalEpisodes > 0 ? await loadWorld(config, io) : undefined;
  const renderer = hf?.renderer ?? new ByteChatRenderer({ tokenizer: new ByteTokenizer() });
  const model =
    hf?.model ??
    (await createPolicyModel({
      model: {
        width: config.width,
        layers: config.layers,
        heads: config.heads,
        mlpWidth: 4 * config.width,
        contextLength: config.context,
        positions: config.positions,
        previousTokenEmbedding: config.previousTokenEmbedding,
        previousTokens: config.previousTokens,
      },
      initCheckpoint: config.initCheckpoint,
      seed: config.seed,
      threads: config.threads,
    }));
  try {
    const backend = createPolicyBackend(model, config.seed);
    const formatTools = config.toolPrompt === 'compact' ? compactToolsPrompt : formatToolsPrompt;
    const maxTokens = model.config.contextLength + 1;
    const data = await loadSftData({ config, renderer, world, formatTools, maxTokens });
    checkSftSequences(data.sequences, maxTokens); // before anything is written
    const runDir = createRunDirectory({ parent: config.out, prefix: 'sft' });
    const files = {
      config: join(runDir, 'config.json'),
      metrics: join(runDir, 'metrics.jsonl'),
      checkpoint: join(runDir, 'checkpoint.safetensors'),
      demonstrations: join(runDir, 'demonstrations.jsonl'),
      evaluation: join(runDir, 'eval-after.json'),
    };
    const saved = {
      command: 'sft',
      options: config,
      model: model.config,
      ...(model.adapter === undefined ? {} : { lora: model.adapter.config }),
      tokenizer: hf === undefined ? 'byte' : 'hf',
      renderer: hf === undefined ? 'byte-chat' : 'hf-template',
    };
    writeFileSync(files.config, `${JSON.stringify(saved, null, 2)}\n`);
    if (data.demonstrations !== undefined)
      await writeTrajectoriesJsonl({ path: files.demonstrations, trajectories: data.demonstrations });
    const { layers, width, heads, contextLength } = model.config;
    const what =
      hf?.description ??
      `${parameterCount(model.config).toLocaleString('en-US')}-parameter model (${layers} layers, width ${width}, ` +
        `${heads} heads, context ${contextLength}${config.initCheckpoint === '' ? '' : `, from ${config.initCheckpoint}`})`;
    io.stdout.write(`sft: ${what} on ${data.description}\n`);

    const display = new ProgressDisplay({ output: io.stdout });
    const recorder =
      (stage: 'curriculum' | 'demonstrations', offset: { steps: number; seconds: number }) =>
      async (step: SftStep) => {
        const at = { step: offset.steps + step.step, seconds: offset.seconds + step.seconds };
        await appendMetrics(files.metrics, {
          step: at.step,
          [SFT_METRICS.loss]: step.loss,
          [SFT_METRICS.learningRate]: step.learningRate,
          [SFT_METRICS.gradNorm]: step.gradNorm,
          [SFT_METRICS.tokensPerSecond]: step.tokensPerSecond,
          [SFT_METRICS.trainedTokens]: step.trainedTokens,
          [SFT_METRICS.epoch]: step.epoch,
          [SFT_METRICS.curriculum]: stage === 'curriculum' ? 1 : 0,
        });
        display.update(
          `${stage === 'curriculum' ? 'curriculum ' : ''}step ${at.step}  loss ${step.loss.toFixed(3)}  lr ${step.learningRate.toExponential(1)}  ` +
            `${Math.round(step.tokensPerSecond).toLocaleString('en-US')} tok/s  epoch ${step.epoch}  ${at.seconds.toFixed(1)}s`,
          at.step === 1,
        );
      };
    const optimiser = {
      learningRate: config.learningRate,
      warmupSteps: config.warmup,
      schedule: config.schedule,
      minLrRatio: config.minLrRatio,
      weightDecay: config.weightDecay,
      gradClipNorm: config.gradClip,
      seed: config.seed,
      maxSequenceTokens: contextLength + 1,
    };
    const first =
      curriculum === undefined || world === undefined || data.demonstrations === undefined
        ? undefined
        : await runSft({
            backend,
            sequences: sftCopyCurriculum({
              demonstrations: data.demonstrations,
              renderer,
              seed: config.seed,
              database: world.database,
              flags: config,
            }),
            ...curriculum,
            ...optimiser,
            batchSize: config.curriculumBatchSize,
            onStep: recorder('curriculum', { steps: 0, seconds: 0 }),
          });
    const done = { steps: first?.steps.length ?? 0, seconds: first?.seconds ?? 0 };
    const result = await runSft({
      backend,
      sequences: data.sequences,
      ...trainingLength(config, done),
      ...optimiser,
      batchSize: config.batchSize,
      onStep: recorder('demonstrations', done),
    });
    display.finish();
    if (first !== undefined) {
      io.stdout.write(
        `copy curriculum: ${first.steps.length} steps of ${config.curriculumBatchSize} ${curriculumKinds(config)} fragments in ${first.seconds.toFixed(1)} s; ` +
          `loss ${first.steps[0].loss.toFixed(3)} → ${meanLoss(first.steps.slice(-10)).toFixed(3)}\n`,
      );
    }
    const steps = result.steps;
    const tokens = steps.reduce((sum, step) => sum + step.tokens, 0);
    io.stdout.write(
      `trained ${steps.length}${steps.length < result.plannedSteps ? ` of ${result.plannedSteps}` : ''} steps ` +
        `(${tokens.toLocaleString('en-US')} tokens) in ${result.seconds.toFixed(1)} s, ` +
        `${Math.round(tokens / result.seconds).toLocaleString('en-US')} tokens/s; ` +
        `loss ${steps[0].loss.toFixed(3)} → ${meanLoss(steps.slice(-10)).toFixed(3)} (mean of the last ${Math.min(10, steps.length)} steps)\n`,
    );
    await backend.saveState(files.checkpoint);
    const modelFiles =
      hf === undefined
        ? []
        : await saveSftModelFiles({
            runDir,
            model,
            modelDir: config.model,
            exportMerged: config.exportMerged,
          });

    if (config.evalEpisodes > 0 && world !== undefined) {
      const evaluation = await evaluateSftModel({
        world,
        model,
        renderer,
        episodes: config.evalEpisodes,
        seed: config.seed,
        temperature: config.evalTemperature,
        maxNewTokens: config.maxNewTokens,
        toolPrompt: config.toolPrompt,
        concurrency: config.concurrency,
        mistakeRate: config.mistakeRate,
        mistakePattern: config.mistakePattern,
      });
      const saved = { step: steps.length, metrics: evaluationMetrics(evaluation.model), ...evaluation };
      writeFileSync(files.evaluation, `${JSON.stringify(saved, null, 2)}\n`);
      io.stdout.write(
        `held-out ${config.env} (${evaluation.model.episodes} episodes, temperature ${config.evalTemperature}):\n` +
          `  model:   ${summaryLine(evaluation.model)}\n` +
          `  teacher: ${summaryLine(evaluation.teacher)} (${config.mistakePattern} mistakes, rate ${config.mistakeRate})\n`,
      );
    }
    io.stdout.write(
      `run:        ${runDir}\ncheckpoint: ${files.checkpoint}\nconfig:     ${files.config}\nmetrics:    ${files.metrics}\n` +
        modelFiles.map((line) => `${line}\n`).join('') +
        (data.demonstrations === undefined ? '' : `demos:      ${files.demonstrations}\n`) +
        (config.evalEpisodes > 0 ? `evaluation: ${files.evaluation}\n` : ''),
    );
  } finally {
    await model.dispose();
  }
}

/** The --model directory (with a fresh or saved adapter), or undefined for a byte-level model. */
async function loadHfModel(config: SftConfig): Promise<HfPolicy | undefined> {
  checkLoraFlagsNeedModel(config, config.model);
  if (config.model === '') return undefined;
  if (config.initCheckpoint !== '')
    throw new ConfigError(
      'invalid_config',
      'flag --init-checkpoint cannot start a --model run; use --adapter DIR',
    );
  return loadHfPolicy({
    dir: config.model,
    lora: loraConfigFromFlags(config),
    ...(config.adapter === '' ? {} : { adapterDir: config.adapter }),
    maxContextLength: config.context,
    seed: config.seed,
    threads: config.threads === 0 ? undefined : config.threads,
  });
}

/** The retail database and the support-lite environment on it. */
async function loadWorld(config: SftConfig, io: CliIo): Promise<SupportLiteWorldData> {
  const dataDir =
    config.retailData !== '' ? config.retailData : findRetailDataDir({ root: process.cwd(), env: io.env });
  if (dataDir === undefined) {
    throw new EnvironmentError(
      'environment_data_invalid',
      'τ-bench retail data not found in or beside the working directory; pass --retail-data DIR or set STATESET_TAU_RETAIL (or --eval-episodes 0 with --data)',
    );
  }
  const { database } = await loadRetailData(dataDir);
  return { database, environment: createSupportLiteEnvironment({ database }) };
}

/**
 * --steps, else --epochs, else the --seconds budget alone, else one epoch; --seconds also stops a
 * fixed run early. What the copy curriculum already `done` counts against the steps and the seconds.
 */
function trainingLength(
  config: SftConfig,
  done: { steps: number; seconds: number },
): { steps?: number; epochs?: number; maxSeconds?: number } {
  const budget = config.seconds > 0 ? { maxSeconds: Math.max(0, config.seconds - done.seconds) } : {};
  if (config.steps > 0) return { steps: Math.max(1, config.steps - done.steps), ...budget };
  if (config.epochs > 0) return { epochs: config.epochs, ...budget };
  return config.seconds > 0 ? budget : { epochs: 1 };
}

function summaryLine(summary: EvaluationSummary): string {
  return `success ${(100 * summary.successRate).toFixed(1)}% (${summary.successes}/${summary.episodes}), mean reward ${summary.meanReward.toFixed(3)}`;
}

function meanLoss(steps: readonly { readonly loss: number }[]): number {
  return steps.reduce((sum, step) => sum + step.loss, 0) / steps.length;
}

/** What the copy curriculum varies, as its summary line says it: 'id', 'id and fact', 'id, fact and status'. */
function curriculumKinds(config: SftConfig): string {
  const kinds = [
    'id',
    ...(config.curriculumFacts ? ['fact'] : []),
    ...(config.curriculumStatusSwap ? ['status'] : []),
  ];
  return kinds.length === 1 ? kinds[0] : `${kinds.slice(0, -1).join(', ')} and ${kinds[kinds.length - 1]}`;
}
