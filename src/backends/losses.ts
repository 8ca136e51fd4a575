// The built-in losses as IR expressions over per-token logprobs, summed over tokens with weights as
// the mask (normalisation is the caller's choice). Formulas follow the Tinker loss definitions;
// ppo is Schulman et al. 2017 with asymmetric clipping (DAPO, Yu et al. 2025), cispo is MiniMax-M1
// (2025), dro is Richemond et al. 2024, gspo (Zheng et al. 2025) clips a sequence-level ratio. An
// optional k3 KL penalty to a frozen reference (Schulman 2020) adds β·Σ w·(e^(ref − lp) − (ref − lp) − 1).
// Legend: B batch, T time. lp = new logprob, q = sampling logprob, A = advantage, w = weight, r = e^(lp − q).

import type { Graph } from '../engine/graph.js';
import type { Value } from '../engine/ir.js';
import type { LossFnName } from './training-backend.js';

/** Graph inputs a loss reads besides the logprobs: per-token tensors (B, T) and scalar settings. */
export type LossInputs = {
  readonly weights: Value; // (B, T)
  readonly oldLogprobs: Value; // (B, T) q; a placeholder when `onPolicy`
  /** q is the current logprobs, detached (see `LossFnConfig.onPolicy`). */
  readonly onPolicy: boolean;
  readonly advantages: Value; // (B, T) A
  readonly clipLow: Value; // scalar 1 − ε_low
  readonly clipHigh: Value; // scalar 1 + ε_high
  readonly beta: Value; // scalar
  /** Present when the KL penalty is on. */
  readonly kl?: { readonly refLogprobs: Value /* (B, T) */; readonly coefficient: Value /* scalar β */ };
};

/** Which per-token inputs each loss needs beyond targets and weights. */
export const LOSS_REQUIRES: Readonly<Record<LossFnName, readonly ('logprobs' | 'advantages')[]>> = {
  cross_entropy: [],
  importance_sampling: ['logprobs', 'advantages'],
  ppo: ['logprobs', 'advantages'],
  cispo: ['logprobs', 'advantages'],
  dro: ['logprobs', 'advantages'],
  gspo: ['logprobs', 'advantages'],
};

/** Whether a loss reads fed old logprobs (`lossFnInputs.logprobs`): ratio losses, unless on-policy. */
export function feedsOldLogprobs(lossFn: LossFnName, onPolicy: boolean): boolean {
  return LOSS_REQUIRES[lossFn].includes('logprobs') && !onPolicy;
}

/** Losses with a clipped importance ratio, which take clip thresholds. */
export function isClippedLoss(lossFn: LossFnName): boolean {
  return lossFn === 'ppo' || lossFn === 'cispo' || lossFn === 'gspo';
}

/**
 * Declares the loss inputs on a graph: `weights`, `oldLogprobs`, `advantages` (B, T) and scalars;
 * with `kl`, also `refLogprobs` (B, T) and the scalar `klCoefficient`.
 */
export function declareLossInputs(
  g: Graph,
  lossFn: LossFnName,
  options: { readonly kl?: boolean; readonly onPolicy?: boolean } = {},
): LossInputs {
  const needs = LOSS_REQUIRES[lossFn];
  const perToken = (name: string, needed: boolean) =>
    needed ? g.input(name, 'float32', ['B', 'T']) : g.scalar(0);
  const scalar = (name: string, needed: boolean) => (needed ? g.input(name, 'float32', []) : g.scalar(0));
  const ratioLoss = isClippedLoss(lossFn);
  const kl = options.kl
    ? {
        refLogprobs: g.input('refLogprobs', 'float32', ['B', 'T']),
        coefficient: g.input('klCoefficient', 'float32', []),
      }
    : undefined;
  return {
    kl,
    weights: g.input('weights', 'float32', ['B', 'T']),
    oldLogprobs: perToken('oldLogprobs', feedsOldLogprobs(lossFn, options.onPolicy === true)),
    onPolicy: options.onPolicy === true,
    advantages: perToken('advantages', needs.includes('advantages')),
    clipLow: scalar('clipLow', ratioLoss),
    clipHigh: scalar('clipHigh', ratioLoss),
    beta: scalar('beta', lossFn === 'dro'),
  };
}

/** The scalar loss of `lossFn` over logprobs (B, T), plus the KL penalty when its inputs are present. */
export function lossExpression(g: Graph, lossFn: LossFnName, lp: Value, inputs: LossInputs): Value {
  const policy = policyLoss(g, lossFn, lp, inputs);
  if (inputs.kl === undefined) return policy;
  // k3 = e^(ref − lp) − (ref − lp) − 1 ≥ 0, an unbiased, low-variance estimate of KL(π ‖ π_ref)
  const d = g.sub(inputs.kl.refLogprobs, lp);
  const k3 = g.sub(g.sub(g.exp(d), d), g.scalar(1));
  return g.add(policy, g.mul(inputs.kl.coefficient, g.sum(g.mul(inputs.weights, k3), [0, 1])));
}

function policyLoss(g: Graph, lossFn: LossFnName, lp: Value, inputs: LossInputs): Value {
  const { weights: w, advantages: A } = inputs;
  const q = oldLogprobs(g, lp, inputs);
  const total = (perToken: Value) => g.neg(g.sum(g.mul(w, perToken), [0, 1])); // −Σ w·(…)
  switch (lossFn) {
    case 'cross_entropy':
      return total(lp); // −Σ w·lp
    case 'importance_sampling':
      return total(g.mul(ratio(g, lp, q), A)); // −Σ w·r·A
    case 'ppo': {
      // −Σ w·min(r·A, clip(r, 1 − ε_low, 1 + ε_high)·A)
      const r = ratio(g, lp, q);
      return total(g.binary('minimum', g.mul(r, A), g.mul(clip(g, r, inputs), A)));
    }
    case 'cispo':
      // −Σ w·sg(clip(r, 1 − ε_low, 1 + ε_high))·A·lp
      return total(g.mul(g.mul(g.stopGradient(clip(g, ratio(g, lp, q), inputs)), A), lp));
    case 'dro': {
      // −Σ w·(lp·A − ½β(lp − q)²)
      const diff = g.sub(lp, q);
      return total(g.sub(g.mul(lp, A), g.mul(g.mul(g.scalar(0.5), inputs.beta), g.mul(diff, diff))));
    }
    case 'gspo':
      return gspoLoss(g, lp, inputs);
  }
}

/**
 * GSPO: per sequence b, s_b = exp(Σ_t w(lp − q) / Σ_t w) and Ā_b = Σ_t w·A / Σ_t w; the loss is
 * −Σ_b (Σ_t w)·min(s_b·Ā_b, clip(s_b)·Ā_b), so token weights of 1/(G·|y|) give the paper's mean.
 */
function gspoLoss(g: Graph, lp: Value, inputs: LossInputs): Value {
  const { weights: w, advantages: A } = inputs;
  const q = oldLogprobs(g, lp, inputs);
  const mass = g.sum(w, [1], true); // (B, 1)
  const safeMass = g.binary('maximum', mass, g.scalar(1e-12));
  const s = g.exp(g.div(g.sum(g.mul(w, g.sub(lp, q)), [1], true), safeMass)); // (B, 1)
  const advantage = g.div(g.sum(g.mul(w, A), [1], true), safeMass); // (B, 1)
  const objective = g.binary('minimum', g.mul(s, advantage), g.mul(clip(g, s, inputs), advantage));
  return g.neg(g.sum(g.mul(mass, objective), [0, 1]));
}

/** The old policy's logprobs: the fed ones, or with `onPolicy` the current ones with no gradient. */
function oldLogprobs(g: Graph, lp: Value, inputs: LossInputs): Value {
  return inputs.onPolicy ? g.stopGradient(lp) : inputs.oldLogprobs;
}

function ratio(g: Graph, lp: Value, q: Value): Value {
  return g.exp(g.sub(lp, q)); // r = p/q
}

function clip(g: Graph, r: Value, inputs: LossInputs): Value {
  return g.binary('minimum', g.binary('maximum', r, inputs.clipLow), inputs.clipHigh);
}
