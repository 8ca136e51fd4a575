// Optimisation presets for `train --profile`: each sets the fields a user most often tunes together.
// Values follow common GRPO practice (DAPO's clip-higher, small KL for cautious runs), scaled for tiny models.

import type { ProfiledField } from './training-config.js';

/** A profile: a value for every profile-tuned field. */
export type TrainingProfile = Readonly<Record<ProfiledField, number>>;

/**
 * - conservative: small steps that stay near the initial policy (lr 1e-4, symmetric clip 0.1, KL
 *   β 0.05, grad clip 0.5, one epoch). For fine-tuning a policy that already works.
 * - balanced (default): lr 3e-4, DAPO clip-higher (0.2 / 0.28), no KL, grad clip 1, one epoch.
 * - aggressive: lr 1e-3, wide clip (0.2 / 0.4), no KL, grad clip 2, two epochs per batch. For tiny
 *   models from a warm start where speed matters more than stability.
 */
export const TRAINING_PROFILES = {
  conservative: {
    learningRate: 1e-4,
    clipLow: 0.1,
    clipHigh: 0.1,
    klCoefficient: 0.05,
    gradClipNorm: 0.5,
    epochsPerBatch: 1,
  },
  balanced: {
    learningRate: 3e-4,
    clipLow: 0.2,
    clipHigh: 0.28,
    klCoefficient: 0,
    gradClipNorm: 1,
    epochsPerBatch: 1,
  },
  aggressive: {
    learningRate: 1e-3,
    clipLow: 0.2,
    clipHigh: 0.4,
    klCoefficient: 0,
    gradClipNorm: 2,
    epochsPerBatch: 2,
  },
} as const satisfies Record<string, TrainingProfile>;
