// Demonstrations for supervised warm starts: the scripted teacher played through real support-lite
// episodes, each labelled with the mistake it contains (if any), as logged support data would be.

import type { Trajectory } from '../../conversation/trajectory.js';
import { Rng } from '../../engine/random.js';
import { EnvironmentError } from '../../errors.js';
import type { RetailDatabase } from '../retail/retail-types.js';
import { runEpisode } from '../run-episode.js';
import type { SupportLiteEnvironment, SupportLiteState } from './environment.js';
import { DEFAULT_MISTAKE_RATE, SupportLiteTeacher } from './teacher.js';
import type { MistakePattern, TeacherMistake } from './teacher-mistakes.js';

/** One teacher episode: its trajectory (metadata.teacherMistake set), final state and mistake. */
export type Demonstration = {
  readonly trajectory: Trajectory;
  readonly finalState: SupportLiteState;
  /** The mistake the teacher made, or undefined for a correct conversation. */
  readonly mistake: TeacherMistake | undefined;
};

/** Options of `generateDemonstrations`. */
export type GenerateDemonstrationsOptions = {
  readonly environment: SupportLiteEnvironment;
  /** The database the environment was built on (the teacher plans its mistakes from it). */
  readonly database: RetailDatabase;
  /** Scenario split; default 'train'. */
  readonly split?: string;
  /** Number of episodes, at least 1. */
  readonly count: number;
  /** Seeds the scenario draw, the simulated users and the teacher's mistakes. Default 0. */
  readonly seed?: number;
  /** The teacher's mistake rate (see `SupportLiteTeacherOptions`); default `DEFAULT_MISTAKE_RATE`. */
  readonly mistakeRate?: number;
  /** Where the teacher's mistakes fall; default 'random'. */
  readonly mistakePattern?: MistakePattern;
};

/**
 * Runs the teacher on `count` scenarios of the split, drawn without replacement (cycling through a
 * fresh shuffle when `count` exceeds the split), each with its own user seed. Deterministic in `seed`.
 */
export async function generateDemonstrations(
  options: GenerateDemonstrationsOptions,
): Promise<Demonstration[]> {
  const { environment, count, seed = 0 } = options;
  if (!Number.isInteger(count) || count < 1) {
    throw new EnvironmentError('invalid_argument', `count must be a positive integer, got ${count}`);
  }
  const ids = environment.scenarioIds(options.split ?? 'train');
  if (ids.length === 0) {
    throw new EnvironmentError('unknown_scenario', `split "${options.split ?? 'train'}" has no scenarios`);
  }
  const rng = new Rng(seed);
  const draws = rng.fork('scenarios');
  const seeds = rng.fork('users');
  const teacher = new SupportLiteTeacher({
    database: options.database,
    mistakeRate: options.mistakeRate ?? DEFAULT_MISTAKE_RATE,
    mistakePattern: options.mistakePattern,
    seed: rng.fork('teacher').int(2 ** 31),
  });
  let order: string[] = [];
  const demonstrations: Demonstration[] = [];
  for (let index = 0; index < count; index++) {
    if (order.length === 0) order = draws.shuffle([...ids]);
    const scenarioId = order.pop() as string;
    const agent = teacher.fork();
    const episode = await runEpisode({
      environment,
      agent,
      seed: seeds.int(2 ** 31),
      scenarioId,
      id: `demo-${seed}-${index}`,
    });
    const mistake = agent.mistake?.kind;
    const trajectory: Trajectory = {
      ...episode.trajectory,
      metadata: { ...episode.trajectory.metadata, teacherMistake: mistake ?? 'none' },
    };
    demonstrations.push({ trajectory, finalState: episode.finalState, mistake });
  }
  return demonstrations;
}
