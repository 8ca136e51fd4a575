// The rubric's combination rule: the weighted mean over the parts that apply.

/** One part of a total: its score (`undefined` when not applicable or skipped) and its weight. */
export type WeightedPart = { readonly score: number | undefined; readonly weight: number };

/**
 * Σ w·s / Σ w over the parts whose score is defined, so a part that does not apply neither pulls the
 * total down nor dilutes the others; `undefined` when no part applies. Weights must be positive.
 */
export function weightedTotal(parts: readonly WeightedPart[]): number | undefined {
  let weighted = 0;
  let weights = 0;
  for (const { score, weight } of parts) {
    if (score === undefined) continue;
    weighted += weight * score;
    weights += weight;
  }
  return weights === 0 ? undefined : weighted / weights;
}
