// How long `sft`'s copy curriculum (src/training/copy-curriculum.ts) runs before the demonstrations.

import { ConfigError } from '../../errors.js';
import type { SftConfig } from './sft-config.js';

/** How long each stage runs: steps, or seconds (the main stage's seconds are what the curriculum left). */
export type StageLength = { readonly steps?: number; readonly maxSeconds?: number };

/**
 * The curriculum's length: `curriculumShare` of --steps, or of --seconds for a timed run. Throws
 * ConfigError naming the flag when the share is set without either, or with --data (no ids to vary).
 */
export function curriculumLength(config: SftConfig): StageLength {
  if (config.data !== '') {
    throw new ConfigError(
      'invalid_config',
      '--curriculum-share needs teacher demonstrations (it varies their order ids); drop --data',
    );
  }
  if (config.steps > 0) return { steps: Math.max(1, Math.round(config.curriculumShare * config.steps)) };
  if (config.seconds > 0 && config.epochs === 0)
    return { maxSeconds: config.curriculumShare * config.seconds };
  throw new ConfigError('invalid_config', '--curriculum-share needs --steps or --seconds (without --epochs)');
}
