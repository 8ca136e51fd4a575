// τ-bench's pass^k (Yao et al. 2024, arXiv:2406.12045, §5): the chance that all k of k i.i.d. trials
// of a task succeed, estimated without bias from n ≥ k recorded trials and averaged over tasks.

import { EvaluationError } from './evaluation-error.js';

/** Options of `passHatK`. */
export type PassHatKOptions = {
  /** Per task, per trial: 1 for a success, 0 for a failure. Tasks may have different trial counts n. */
  readonly successesPerTask: readonly (readonly number[])[];
  /** How many trials must all succeed; an integer in [1, n] for every task. */
  readonly k: number;
};

/**
 * pass^k = mean over tasks of C(c, k) / C(n, k), where a task has c successes in n trials: the
 * probability that k trials drawn without replacement from its n are all successes (0 when c < k).
 * pass^1 is the plain success rate averaged per task; pass^k falls with k unless every task is
 * always or never solved. Throws EvaluationError('invalid_argument') for no tasks, a non-integer or
 * non-positive k, k > n for some task, or a trial that is not 0 or 1.
 */
export function passHatK(options: PassHatKOptions): number {
  const { successesPerTask, k } = options;
  if (!Number.isInteger(k) || k < 1) {
    throw new EvaluationError('invalid_argument', `pass^k needs an integer k >= 1, got ${k}`);
  }
  const tasks = checkedTasks(successesPerTask);
  let sum = 0;
  tasks.forEach((trials, task) => {
    const n = trials.length;
    if (k > n) {
      throw new EvaluationError(
        'invalid_argument',
        `pass^${k} needs at least ${k} trials; task ${task} has ${n}`,
      );
    }
    const c = trials.reduce((count, trial) => count + trial, 0);
    sum += chooseRatio(c, n, k);
  });
  return sum / tasks.length;
}

/**
 * pass^k for k = 1 … n, where n is the smallest trial count of any task: `curve[k - 1]` is pass^k.
 * Throws as `passHatK` does.
 */
export function passHatKCurve(successesPerTask: readonly (readonly number[])[]): number[] {
  const tasks = checkedTasks(successesPerTask);
  const n = Math.min(...tasks.map((trials) => trials.length));
  return Array.from({ length: n }, (_, index) => passHatK({ successesPerTask: tasks, k: index + 1 }));
}

/** C(c, k) / C(n, k) = ∏_{i<k} (c − i) / (n − i), a product of ratios ≤ 1 that never overflows. */
function chooseRatio(c: number, n: number, k: number): number {
  if (c < k) return 0;
  let ratio = 1;
  for (let i = 0; i < k; i++) ratio *= (c - i) / (n - i);
  return ratio;
}

function checkedTasks(successesPerTask: readonly (readonly number[])[]): readonly (readonly number[])[] {
  if (successesPerTask.length === 0) {
    throw new EvaluationError('invalid_argument', 'pass^k needs at least one task');
  }
  successesPerTask.forEach((trials, task) => {
    if (trials.length === 0) {
      throw new EvaluationError('invalid_argument', `pass^k: task ${task} has no trials`);
    }
    const bad = trials.findIndex((trial) => trial !== 0 && trial !== 1);
    if (bad !== -1) {
      throw new EvaluationError(
        'invalid_argument',
        `pass^k: task ${task} trial ${bad} is ${trials[bad]}, expected 0 or 1`,
      );
    }
  });
  return successesPerTask;
}
