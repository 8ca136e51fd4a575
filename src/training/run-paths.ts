// The layout of a training run folder, and creating one. Everything a resumed run needs lives here.

import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../errors.js';

/** Where each file of a run lives. */
export type RunPaths = {
  readonly root: string;
  /** The resolved configuration and the model config it built. */
  readonly config: string;
  /** One JSON object of metrics per step. */
  readonly metrics: string;
  /** Pointer to the newest checkpoint and the trainer's state at it, replaced atomically. */
  readonly latest: string;
  /** The frozen initial weights: the KL reference. */
  readonly reference: string;
  readonly checkpoints: string;
  /** Best checkpoint by evaluation success, and what it scored. */
  readonly best: string;
  readonly bestInfo: string;
  readonly samples: string;
  /** Evaluation of the initial weights, and the last evaluation of a finished run. */
  readonly evalBefore: string;
  readonly evalAfter: string;
  /** `checkpoints/step-N.safetensors`. */
  stepCheckpoint(step: number): string;
  /** `samples/step-N.jsonl`. */
  stepSamples(step: number): string;
};

/** The paths of the run in `root`. */
export function runPaths(root: string): RunPaths {
  const checkpoints = join(root, 'checkpoints');
  const samples = join(root, 'samples');
  return {
    root,
    config: join(root, 'config.json'),
    metrics: join(root, 'metrics.jsonl'),
    latest: join(root, 'latest.json'),
    reference: join(root, 'reference.safetensors'),
    checkpoints,
    best: join(checkpoints, 'best.safetensors'),
    bestInfo: join(checkpoints, 'best.json'),
    samples,
    evalBefore: join(root, 'eval-before.json'),
    evalAfter: join(root, 'eval-after.json'),
    stepCheckpoint: (step) => join(checkpoints, `step-${step}.safetensors`),
    stepSamples: (step) => join(samples, `step-${step}.jsonl`),
  };
}

/**
 * Makes a new run folder: `<runsDir>/<runName>`, which must not exist or be empty, or with no name
 * `<runsDir>/train-YYYYMMDD-HHMMSS` (then `-2`, `-3`, … if taken). Throws ConfigError naming runName.
 */
export function createRunFolder(options: {
  readonly runsDir: string;
  readonly runName: string;
  readonly date?: Date;
}): RunPaths {
  mkdirSync(options.runsDir, { recursive: true });
  if (options.runName !== '') {
    const root = join(options.runsDir, options.runName);
    if (existsSync(root) && readdirSync(root).length > 0) {
      throw new ConfigError(
        'invalid_config',
        `runName (--run-name): ${root} already holds a run; pass --resume ${root} to continue it, or another name`,
      );
    }
    return makeFolders(root);
  }
  const stamp = (options.date ?? new Date())
    .toISOString()
    .replace(/[-:]/g, '')
    .replace('T', '-')
    .slice(0, 15);
  for (let attempt = 1; ; attempt++) {
    const root = join(options.runsDir, `train-${stamp}${attempt === 1 ? '' : `-${attempt}`}`);
    try {
      mkdirSync(root);
      return makeFolders(root);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}

function makeFolders(root: string): RunPaths {
  const paths = runPaths(root);
  mkdirSync(paths.checkpoints, { recursive: true });
  mkdirSync(paths.samples, { recursive: true });
  return paths;
}
