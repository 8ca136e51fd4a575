// Test support: `train` configurations that a worker runs in a second or two (a 27k-parameter model,
// one group of two rollouts a step, one-turn episodes, no evaluation), or until cancelled.

/** A run of `steps` tiny steps with a checkpoint after each. */
export function tinyTrainConfig(steps: number): Record<string, unknown> {
  return {
    seed: 1,
    steps,
    groupsPerStep: 1,
    groupSize: 2,
    maxNewTokens: 16,
    maxTurns: 1,
    model: { contextLength: 1280, width: 16, layers: 1, heads: 2, mlpWidth: 32 },
    evalEpisodes: 0,
    evalBeforeTraining: false,
    checkpointEvery: 1,
    keepLastCheckpoints: 1,
    sampleEvery: 0,
    threads: 1,
  };
}

/** A run far longer than any test: it ends only when cancelled. */
export const LONG_RUN_STEPS = 1_000_000;
