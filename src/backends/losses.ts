// The built-in losses as IR expressions over per-token logprobs, summed over tokens with weights as
// the mask (normalisation is the caller's choice). Formulas follow the Tinker loss definitions;
// ppo is Schulman et al. 2017 with asymmetric clipping (DAPO, Yu et al. 2025), cispo is MiniMax-M1
// (2025), dro is Richemond et al. 2024.
// Legend: B batch, T time. lp = new logprob, q = sampling logprob, A = advantage, w = weight, r = e^(lp − q).

import type { Graph } from '../engine/graph.js';
import type { Value } from '../engine/ir.js';
import type { LossFnName } from './training-backend.js';

/** Graph inputs a loss reads besides the logprobs: per-token tensors (B, T) and scalar settings. */
export type LossInputs = {
  readonly weights: Value; // (B, T)
  readonly oldLogprobs: Value; // (B, T) q
  readonly advantages: Value; // (B, T) A
  readonly clipLow: Value; // scalar 1 − ε_low
  readonly clipHigh: Value; // scalar 1 + ε_high
  readonly beta: Value; // scalar
};

/** Which per-token inputs each loss needs beyond targets and weights. */
export const LOSS_REQUIRES: Readonly<Record<LossFnName, readonly ('logprobs' | 'advantages')[]>> = {
  cross_entropy: [],
  importance_sampling: ['logprobs', 'advantages'],
  ppo: ['logprobs', 'advantages'],
  cispo: ['logprobs', 'advantages'],
  dro: ['logprobs', 'advantages'],
};

/** Declares the loss inputs on a graph: `weights`, `oldLogprobs`, `advantages` (B, T) and scalars. */
export function declareLossInputs(g: Graph, lossFn: LossFnName): LossInputs {
  const needs = LOSS_REQUIRES[lossFn];
  const perToken = (name: string, needed: boolean) =>
    needed ? g.input(name, 'float32', ['B', 'T']) : g.scalar(0);
  const scalar = (name: string, needed: boolean) => (needed ? g.input(name, 'float32', []) : g.scalar(0));
  const ratioLoss = lossFn === 'ppo' || lossFn === 'cispo';
  return {
    weights: g.input('weights', 'float32', ['B', 'T']),
    oldLogprobs: perToken('oldLogprobs', needs.includes('logprobs')),
    advantages: perToken('advantages', needs.includes('advantages')),
    clipLow: scalar('clipLow', ratioLoss),
    clipHigh: scalar('clipHigh', ratioLoss),
    beta: scalar('beta', lossFn === 'dro'),
  };
}

/** The scalar loss of `lossFn` over logprobs (B, T). */
export function lossExpression(g: Graph, lossFn: LossFnName, lp: Value, inputs: LossInputs): Value {
  const { weights: w, oldLogprobs: q, advantages: A } = inputs;
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
  }
}

function ratio(g: Graph, lp: Value, q: Value): Value {
  return g.exp(g.sub(lp, q)); // r = p/q
}

function clip(g: Graph, r: Value, inputs: LossInputs): Value {
  return g.binary('minimum', g.binary('maximum', r, inputs.clipLow), inputs.clipHigh);
}
