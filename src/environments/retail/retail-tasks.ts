// The τ-bench retail tasks (tasks_train.json, tasks_dev.json, tasks_test.json): who the user is,
// what they want (the instruction), the gold actions and the strings the agent must say.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { EnvironmentError } from '../../errors.js';

/** A tool call of a task's gold solution. */
export type RetailAction = { readonly name: string; readonly kwargs: Readonly<Record<string, unknown>> };

/** The task splits, as the files name them. */
export const RETAIL_SPLITS = ['train', 'dev', 'test'] as const;

/** A task split. */
export type RetailSplit = (typeof RETAIL_SPLITS)[number];

/** One task; `id` is `<split>-<index>` (e.g. `dev-17`). */
export type RetailTask = {
  readonly id: string;
  readonly split: RetailSplit;
  readonly index: number;
  readonly userId: string;
  readonly instruction: string;
  readonly actions: readonly RetailAction[];
  /** Strings that must appear in the agent's messages (lower-cased, commas removed). */
  readonly outputs: readonly string[];
};

const taskFileSchema = z.array(
  z.object({
    user_id: z.string(),
    instruction: z.string(),
    actions: z.array(z.object({ name: z.string(), kwargs: z.record(z.string(), z.unknown()) })),
    outputs: z.array(z.string()),
  }),
);

/** Reads `tasks_<split>.json` of a retail data folder; throws EnvironmentError('environment_data_invalid'). */
export async function loadRetailTasks(options: {
  readonly dataDir: string;
  readonly split: RetailSplit;
}): Promise<RetailTask[]> {
  const path = join(options.dataDir, `tasks_${options.split}.json`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new EnvironmentError(
      'environment_data_invalid',
      `retail tasks ${path} unreadable: ${String(error)}`,
      {
        cause: error,
      },
    );
  }
  const checked = taskFileSchema.safeParse(parsed);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    throw new EnvironmentError(
      'environment_data_invalid',
      `retail tasks ${path} malformed at ${issue.path.join('.')}: ${issue.message}`,
    );
  }
  return checked.data.map((task, index) => ({
    id: `${options.split}-${index}`,
    split: options.split,
    index,
    userId: task.user_id,
    instruction: task.instruction,
    actions: task.actions,
    outputs: task.outputs,
  }));
}
