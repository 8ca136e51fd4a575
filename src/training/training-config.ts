// The configuration of a GRPO-family run: one zod schema drives `train`'s flags, config files,
// STATESET_* variables and help. Fields a profile tunes default to null ("take the profile's value").

import { z } from 'zod';
import { ANSWER_CREDITS } from '../environments/support-lite/rewards.js';
import { LoraFlagsSchema } from './hf-policy-flags.js';

/** Environments `train` can run. */
export const TRAINING_ENVIRONMENTS = ['support-lite', 'retail'] as const;
/** Advantage estimators, as `computeGroupAdvantages` names them. */
export const ESTIMATORS = ['grpo', 'dr_grpo', 'rloo'] as const;
/** Policy losses of the backend that train on advantages. */
export const POLICY_LOSSES = ['ppo', 'importance_sampling', 'cispo', 'gspo'] as const;
/** Loss normalisations, as `buildPolicyDatums` names them. */
export const LOSS_NORMALISATIONS = ['grpo', 'dr_grpo', 'dapo', 'bnpo'] as const;
/** Named sets of optimisation settings; see `TRAINING_PROFILES`. */
export const PROFILE_NAMES = ['conservative', 'balanced', 'aggressive'] as const;

/**
 * The default model: GPT-2 style, byte vocabulary, a context that holds a support-lite conversation
 * (compact tools: median 934, longest about 1,210 tokens, as `sft`'s default); `model` overrides it field by field.
 */
export const DEFAULT_TRAINING_MODEL = {
  contextLength: 1280,
  width: 64,
  layers: 2,
  heads: 4,
  mlpWidth: 256,
} as const;

const count = (min: number) => z.number().int().min(min);
/** A field whose default comes from the profile: null takes the profile's value. */
const profiled = (schema: z.ZodNumber, description: string) =>
  schema.nullable().default(null).describe(`${description} Default (null): the profile's value.`);

/** Every setting of a `train` run. */
export const TrainingConfigSchema = z
  .object({
    env: z.enum(TRAINING_ENVIRONMENTS).default('support-lite').describe('Environment to train in.'),
    data: z
      .string()
      .default('')
      .describe('τ-bench retail data folder; empty: $STATESET_TAU_RETAIL, else shared/tau-retail.'),
    profile: z
      .enum(PROFILE_NAMES)
      .default('balanced')
      .describe('Optimisation preset (learning rate, clip, KL, epochs, grad clip); explicit fields win.'),
    seed: count(0).default(0).describe('Seed of the weights, scenario draws, sampling and evaluation.'),
    steps: count(1).default(50).describe('Training steps; each collects a batch and optimises on it.'),
    seconds: z
      .number()
      .min(0)
      .default(0)
      .describe(
        'Wall-clock budget of this session: at the last step’s pace, no step starts that would end past it, and the step after which none would fit is evaluated and checkpointed (the first step always runs); --resume continues. 0: none.',
      ),
    groupsPerStep: count(1).default(4).describe('Scenarios (GRPO groups) per step.'),
    groupSize: count(1).default(8).describe('Rollouts G per scenario, sharing scenario and user seed.'),
    estimator: z.enum(ESTIMATORS).default('grpo').describe('Group advantage estimator.'),
    scaleByStd: z
      .boolean()
      .default(true)
      .describe('grpo only: divide advantages by the group std (sample std, + 1e-6).'),
    dropZeroAdvantage: z
      .boolean()
      .default(true)
      .describe('Leave zero-variance groups out of the update (they carry no policy gradient).'),
    batchBaseline: z
      .number()
      .min(0)
      .max(1)
      .default(0)
      .describe(
        "λ: part of each advantage's baseline taken from the step's mean reward instead of the group's (advantage += λ · (group mean − step mean)), so a group whose rollouts all scored alike still reinforces what it did when it beat the step's mean, or discourages it. 0: pure group baselines.",
      ),
    lossFn: z.enum(POLICY_LOSSES).default('ppo').describe('Policy loss of the backend.'),
    normalisation: z
      .enum(LOSS_NORMALISATIONS)
      .default('dapo')
      .describe('How token losses are averaged: grpo, dr_grpo, dapo (token-level) or bnpo.'),
    clipLow: profiled(z.number(), 'ε_low: the importance ratio is clipped below at 1 − ε_low.'),
    clipHigh: profiled(z.number(), 'ε_high: the importance ratio is clipped above at 1 + ε_high.'),
    epochsPerBatch: profiled(
      z.number().int(),
      'Optimisation epochs per batch, each one optimiser step, on the stored sampling logprobs.',
    ),
    microBatchSize: count(0)
      .default(0)
      .describe('Datums per forwardBackward call (gradients accumulate); 0: the whole batch.'),
    learningRate: profiled(z.number(), 'Peak AdamW learning rate.'),
    warmupSteps: count(0).default(0).describe('Steps of linear learning-rate warmup.'),
    schedule: z
      .enum(['constant', 'cosine', 'linear'])
      .default('constant')
      .describe('Learning-rate decay after warmup.'),
    minLrRatio: z
      .number()
      .min(0)
      .max(1)
      .default(0.1)
      .describe('Floor of cosine and linear decay, as a fraction of the peak.'),
    weightDecay: z.number().min(0).default(0).describe('AdamW decoupled weight decay.'),
    gradClipNorm: profiled(z.number(), 'Global gradient-norm clip.'),
    klCoefficient: profiled(
      z.number(),
      'β of the k3 KL penalty to a frozen copy of the initial weights; 0 turns it off.',
    ),
    temperature: z
      .number()
      .positive()
      .default(1)
      .describe(
        "Sampling temperature of rollouts; other than 1, the losses read untempered old logprobs: the policy's own with one epoch per batch, else recomputed.",
      ),
    sftData: z
      .string()
      .default('')
      .describe(
        "Chat JSONL (an sft run's demonstrations.jsonl, or any chat data) whose assistant turns add a supervised term to every update, weighed --sft-coefficient; empty: none.",
      ),
    sftCoefficient: z
      .number()
      .min(0)
      .default(0)
      .describe(
        'γ: weight of the supervised term, the mean negative log-likelihood per assistant token of an --sft-data batch, added to the policy loss of each update (PPO-ptx), so RL keeps what SFT taught while it changes the decisions the reward judges. 0: none.',
      ),
    sftCurriculum: z
      .boolean()
      .default(false)
      .describe(
        "support-lite: the supervised term trains on the copy curriculum of the sft run that wrote --sft-data (rebuilt from its demonstrations with the options in its config.json: fresh ids, facts and statuses the answer can only get right by copying) instead of on the demonstrations themselves, so RL keeps the copying without being pulled back to the demonstrations' decisions.",
      ),
    sftBatchSize: count(1)
      .default(8)
      .describe('Conversations of --sft-data in each update (drawn per step).'),
    maxNewTokens: count(1)
      .default(256)
      .describe(
        'Most tokens the policy samples per turn (a support-lite cancel turn, its status note and call, is about 180).',
      ),
    maxTurns: count(1).default(8).describe('An episode ends after this many agent turns.'),
    concurrency: count(1).default(16).describe('Episodes in flight at once.'),
    toolPrompt: z
      .enum(['compact', 'hermes'])
      .default('compact')
      .describe('How tools are described in the system prompt: one line each, or Hermes JSON.'),
    evalEvery: count(0)
      .default(10)
      .describe('Evaluate on the held-out split every N steps; 0: only at the end.'),
    evalEpisodes: count(0).default(32).describe('Held-out tasks per evaluation; 0: no evaluation.'),
    evalBeforeTraining: z
      .boolean()
      .default(true)
      .describe('Evaluate the initial weights too (eval-before.json; step 0 for best and early stopping).'),
    evalTrials: count(1).default(1).describe('Trials per evaluation task; pass^k is reported for k ≤ this.'),
    evalTemperature: z.number().min(0).default(0).describe('Sampling temperature in evaluation; 0: greedy.'),
    successThreshold: z
      .number()
      .min(0)
      .max(1)
      .default(0.9)
      .describe('support-lite: an episode succeeds when its reward is at least this.'),
    checkpointEvery: count(0).default(10).describe('Save a checkpoint every N steps; 0: only at the end.'),
    keepLastCheckpoints: count(1).default(3).describe('Step checkpoints kept; older ones are deleted.'),
    earlyStoppingPatience: count(0)
      .default(0)
      .describe('Stop after this many evaluations without a better success rate; 0: never.'),
    sampleEvery: count(0)
      .default(10)
      .describe("Write the step's trajectories to samples/ every N steps; 0: never."),
    rewardErrors: z
      .enum(['fail', 'skip'])
      .default('fail')
      .describe('A reward part that throws fails the step, or is skipped and counted.'),
    answerCredit: z
      .enum(ANSWER_CREDITS)
      .default('exact')
      .describe(
        "support-lite: how rollouts' right_answer part is scored. exact: 0/1, as evaluation scores it; partial_facts: a wrong answer to an items or address question earns 0.5 × the share of the asked words it contains. Evaluation is always exact.",
      ),
    model: z
      .union([z.string().min(1), z.record(z.string(), z.unknown())])
      .default({ ...DEFAULT_TRAINING_MODEL })
      .describe(
        "Transformer config (JSON) of a fresh byte-level model, over the default shown (vocabSize is the tokenizer's); or a Hugging Face Llama-family model directory to train (its tokenizer and chat template).",
      ),
    ...LoraFlagsSchema.shape,
    initCheckpoint: z
      .string()
      .default('')
      .describe("Start from this checkpoint's weights (its model config wins over --model)."),
    threads: count(0).default(0).describe('ONNX Runtime threads; 0: every core.'),
    runsDir: z.string().min(1).default('runs').describe('Folder that holds run folders.'),
    runName: z.string().default('').describe('Name of the run folder; empty: train-<UTC timestamp>.'),
    resume: z
      .string()
      .default('')
      .describe('Continue the run in this folder from its latest checkpoint, with its saved config.'),
  })
  .strict();

/** What the schema yields: profile-tuned fields may still be null. */
export type TrainingConfigInput = z.output<typeof TrainingConfigSchema>;

/** Fields a profile sets. */
export type ProfiledField =
  'clipLow' | 'clipHigh' | 'epochsPerBatch' | 'learningRate' | 'gradClipNorm' | 'klCoefficient';

/** A resolved configuration: the profile applied, every field concrete and validated. */
export type TrainingConfig = Omit<TrainingConfigInput, ProfiledField> & {
  readonly [K in ProfiledField]: number;
};
