// The sample conversations of a run report: the latest `samples/step-N.jsonl`, and from its first
// groups the highest- and lowest-reward trajectory, so a reader sees what was reinforced and what not.

import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { readTrajectoriesJsonl } from '../../conversation/trajectory-jsonl.js';
import type { Trajectory } from '../../conversation/trajectory.js';

/** The folder of a run directory that holds sampled trajectories. */
export const SAMPLES_DIR = 'samples';
/** Groups shown by default. */
export const DEFAULT_SAMPLE_GROUPS = 3;

/** The latest samples file of a run. */
export type LatestSamples = {
  /** Path relative to the run directory, e.g. `samples/step-40.jsonl`. */
  readonly file: string;
  readonly step: number;
  readonly trajectories: readonly Trajectory[];
};

/** A trajectory picked for the report, and why. */
export type PickedConversation = { readonly trajectory: Trajectory; readonly label: string };

/**
 * Reads the samples file with the highest step number (`step-N.jsonl`, N possibly zero-padded), or
 * undefined when the run has none. A malformed file throws ConversationError('invalid_trajectory').
 */
export async function readLatestSamples(runDir: string): Promise<LatestSamples | undefined> {
  const dir = join(runDir, SAMPLES_DIR);
  if (!existsSync(dir)) return undefined;
  const files = (await readdir(dir))
    .map((name) => ({ name, match: /^step-(\d+)\.jsonl$/.exec(name) }))
    .filter((entry) => entry.match !== null)
    .map((entry) => ({ name: entry.name, step: Number(entry.match?.[1]) }))
    .sort((a, b) => b.step - a.step);
  if (files.length === 0) return undefined;
  const latest = files[0];
  const trajectories = await readTrajectoriesJsonl({ path: join(dir, latest.name) });
  return { file: `${SAMPLES_DIR}/${latest.name}`, step: latest.step, trajectories };
}

/**
 * From the first `maxGroups` groups (trajectories sharing a `groupId`; one without is its own group),
 * the highest-reward trajectory and, when rewards differ, the lowest; the first wins ties.
 */
export function pickConversations(
  trajectories: readonly Trajectory[],
  maxGroups = DEFAULT_SAMPLE_GROUPS,
): PickedConversation[] {
  const groups = new Map<string, Trajectory[]>();
  for (const trajectory of trajectories) {
    const key = trajectory.groupId ?? `single:${trajectory.id}`;
    const group = groups.get(key) ?? [];
    group.push(trajectory);
    groups.set(key, group);
  }
  const picked: PickedConversation[] = [];
  for (const group of [...groups.values()].slice(0, maxGroups)) {
    if (group.length === 1) {
      picked.push({ trajectory: group[0], label: 'sample' });
      continue;
    }
    const reward = (trajectory: Trajectory) => trajectory.reward ?? Number.NEGATIVE_INFINITY;
    const best = group.reduce((top, candidate) => (reward(candidate) > reward(top) ? candidate : top));
    const worst = group.reduce((low, candidate) => (reward(candidate) < reward(low) ? candidate : low));
    if (reward(best) === reward(worst)) {
      picked.push({ trajectory: group[0], label: `group of ${group.length}, all with the same reward` });
    } else {
      picked.push({ trajectory: best, label: `highest reward in its group of ${group.length}` });
      picked.push({ trajectory: worst, label: `lowest reward in its group of ${group.length}` });
    }
  }
  return picked;
}
