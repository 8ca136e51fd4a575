// Turns schema output into a usable run configuration: applies the profile, then checks what one
// field alone cannot (group size against std scaling, divisibility, model fit); errors name the field.

import { configFail, configOk, type ConfigResult } from '../config/config-result.js';
import { kebabCase } from '../config/schema-fields.js';
import { StatesetError } from '../errors.js';
import { ByteTokenizer } from '../models/tokenizers/byte-tokenizer.js';
import {
  TrainingConfigSchema,
  type ProfiledField,
  type TrainingConfig,
  type TrainingConfigInput,
} from './training-config.js';
import { loraConfigFromFlags } from './hf-policy-flags.js';
import { trainingModelConfig } from './training-model.js';
import { TRAINING_PROFILES } from './training-profiles.js';

/** `key (--flag): problem`, the way every configuration error names its field. */
export function fieldProblem(key: string, problem: string): string {
  return `${key} (--${kebabCase(key)}): ${problem}`;
}

/** Parses any object (a config file, an API call) against the schema, then resolves it. */
export function parseTrainingConfig(input: unknown): ConfigResult<TrainingConfig> {
  const parsed = TrainingConfigSchema.safeParse(input ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      if (issue.code === 'unrecognized_keys')
        return `unknown key(s) ${issue.keys.map((key) => `"${key}"`).join(', ')}`;
      return fieldProblem(issue.path.map(String).join('.') || '(root)', issue.message);
    });
    return configFail(`invalid training configuration: ${problems.join('; ')}`, parsed.error);
  }
  return resolveTrainingConfig(parsed.data);
}

/** Applies the profile to the fields left null and validates the whole; failures name the field. */
export function resolveTrainingConfig(input: TrainingConfigInput): ConfigResult<TrainingConfig> {
  const profile = TRAINING_PROFILES[input.profile];
  const profiled = Object.fromEntries(
    (Object.keys(profile) as ProfiledField[]).map((key) => [key, input[key] ?? profile[key]]),
  ) as Record<ProfiledField, number>;
  const config: TrainingConfig = { ...input, ...profiled };
  const problems = crossFieldProblems(config);
  if (problems.length > 0) return configFail(`invalid training configuration: ${problems.join('; ')}`);
  return configOk(config);
}

/** Every problem of a configuration, each naming its field; empty when it is usable. */
function crossFieldProblems(config: TrainingConfig): string[] {
  const problems: string[] = [];
  const fail = (key: keyof TrainingConfig, problem: string) => problems.push(fieldProblem(key, problem));
  const ranges: [ProfiledField, boolean, string][] = [
    ['learningRate', config.learningRate > 0 && Number.isFinite(config.learningRate), 'must be > 0'],
    [
      'clipLow',
      config.clipLow > 0 && config.clipLow < 1,
      'must be in (0, 1): the ratio floor is 1 − clipLow',
    ],
    ['clipHigh', config.clipHigh > 0 && Number.isFinite(config.clipHigh), 'must be > 0'],
    [
      'epochsPerBatch',
      Number.isInteger(config.epochsPerBatch) && config.epochsPerBatch >= 1,
      'must be an integer ≥ 1',
    ],
    ['gradClipNorm', config.gradClipNorm > 0 && Number.isFinite(config.gradClipNorm), 'must be > 0'],
    ['klCoefficient', config.klCoefficient >= 0 && Number.isFinite(config.klCoefficient), 'must be ≥ 0'],
  ];
  for (const [key, valid, problem] of ranges) if (!valid) fail(key, `${problem}, got ${config[key]}`);

  if (config.groupSize === 1) {
    fail(
      'groupSize',
      config.estimator === 'grpo' && config.scaleByStd
        ? 'is 1 with scaleByStd: the sample std of a single reward is undefined; use a group of at least 2'
        : 'is 1: a group-relative advantage of a single rollout is always 0; use a group of at least 2',
    );
  }
  const batch = config.groupsPerStep * config.groupSize;
  if (config.microBatchSize > 0 && batch % config.microBatchSize !== 0) {
    fail(
      'microBatchSize',
      `${config.microBatchSize} does not divide the batch of groupsPerStep × groupSize = ${batch} rollouts`,
    );
  }
  if (config.sftCoefficient > 0 && config.sftData === '')
    fail(
      'sftData',
      `is empty while sftCoefficient is ${config.sftCoefficient}: name the chat JSONL to train on`,
    );
  if (config.sftData !== '' && config.sftCoefficient === 0)
    fail(
      'sftCoefficient',
      `is 0 while sftData is set: give the supervised term a weight > 0, or drop sftData`,
    );
  if (config.sftCurriculum && config.sftData === '')
    fail('sftCurriculum', "is on while sftData is empty: name an sft run's demonstrations.jsonl");
  if (config.sftCurriculum && config.env !== 'support-lite')
    fail('sftCurriculum', `rebuilds a support-lite copy curriculum; env is ${config.env}`);
  if (config.answerCredit !== 'exact' && config.env !== 'support-lite')
    fail(
      'answerCredit',
      `is ${config.answerCredit}, which scores support-lite answers; env is ${config.env}`,
    );
  if (config.warmupSteps > config.steps)
    fail('warmupSteps', `${config.warmupSteps} exceeds steps ${config.steps}`);
  if (config.earlyStoppingPatience > 0 && config.evalEpisodes === 0)
    fail('earlyStoppingPatience', 'needs evaluations, but evalEpisodes is 0');
  if (config.earlyStoppingPatience > 0 && config.evalEvery === 0)
    fail('earlyStoppingPatience', 'needs periodic evaluations, but evalEvery is 0 (only a final one)');
  if (config.runName.includes('/') || config.runName.includes('\\') || config.runName.startsWith('.'))
    fail('runName', `"${config.runName}" must be a plain folder name`);
  if (typeof config.model === 'string') problems.push(...hfModelProblems(config));
  else {
    if (config.loraRank > 0) fail('loraRank', 'needs --model DIR (a Hugging Face model directory)');
    if (config.adapter !== '') fail('adapter', 'needs --model DIR (a Hugging Face model directory)');
    if (config.initCheckpoint === '') problems.push(...modelProblems(config, config.model));
  }
  return problems;
}

/** A Hugging Face model run: LoRA flags that parse, one adapter source, no byte-level checkpoint. */
function hfModelProblems(config: TrainingConfig): string[] {
  const problems: string[] = [];
  if (config.initCheckpoint !== '')
    problems.push(fieldProblem('initCheckpoint', 'cannot start a --model run; use --adapter DIR'));
  if (config.loraRank > 0 && config.adapter !== '')
    problems.push(
      fieldProblem('adapter', 'give either --lora-rank (a fresh adapter) or --adapter DIR, not both'),
    );
  try {
    loraConfigFromFlags(config);
  } catch (error) {
    if (!(error instanceof StatesetError)) throw error;
    problems.push(fieldProblem('loraTargets', error.message));
  }
  return problems;
}

/** The model config must be valid, byte-vocabulary, with room for a prompt and a reply. */
function modelProblems(config: TrainingConfig, fields: Readonly<Record<string, unknown>>): string[] {
  const vocabSize = new ByteTokenizer().vocabSize;
  if (fields.vocabSize !== undefined && fields.vocabSize !== vocabSize) {
    return [
      fieldProblem(
        'model',
        `vocabSize must be the byte tokenizer's ${vocabSize}, got ${String(fields.vocabSize)}`,
      ),
    ];
  }
  try {
    const model = trainingModelConfig(fields);
    if (config.maxNewTokens >= model.contextLength) {
      return [
        fieldProblem(
          'maxNewTokens',
          `${config.maxNewTokens} leaves no room for a prompt in the model context ${model.contextLength}`,
        ),
      ];
    }
    return [];
  } catch (error) {
    if (error instanceof StatesetError) return [fieldProblem('model', error.message)];
    throw error;
  }
}
