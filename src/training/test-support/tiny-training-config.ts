// A resolved training config for end-to-end tests: a few GRPO steps of a tiny byte-level model on
// support-lite, no evaluations, checkpoints or samples, so a test pays only for what it checks.

import { parseTrainingConfig } from '../resolve-training-config.js';
import type { TrainingConfig } from '../training-config.js';

/** Four steps of one group of 2 with a 1-layer width-32 model, in `runsDir/runName`; `extra` overrides any field. */
export function tinyTrainingConfig(
  runsDir: string,
  runName: string,
  extra: Record<string, unknown> = {},
): TrainingConfig {
  const parsed = parseTrainingConfig({
    seed: 3,
    steps: 4,
    groupsPerStep: 1,
    groupSize: 2,
    maxNewTokens: 48,
    maxTurns: 2,
    learningRate: 1e-2,
    dropZeroAdvantage: false,
    model: { contextLength: 1024, width: 32, layers: 1, heads: 2, mlpWidth: 64 },
    evalEpisodes: 0,
    checkpointEvery: 0,
    sampleEvery: 0,
    runsDir,
    runName,
    ...extra,
  });
  if (!parsed.ok) throw parsed.error;
  return parsed.value;
}
