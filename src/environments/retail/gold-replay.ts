// Replays a task's gold actions on a fresh database copy with the environment's own tools: the
// reference end state of τ-bench's reward (Yao et al. 2024, arXiv:2406.12045).

import { runToolCall } from '../run-tool-call.js';
import type { Tool } from '../tool.js';
import { databaseHash } from './database-hash.js';
import type { RetailAction } from './retail-tasks.js';
import type { RetailDatabase } from './retail-types.js';

/** Options of `replayGoldActions`. */
export type ReplayGoldOptions = {
  readonly tools: readonly Tool<RetailDatabase>[];
  /** Mutated in place: pass a fresh copy. */
  readonly database: RetailDatabase;
  readonly actions: readonly RetailAction[];
};

/** What a replay produced: each action's output text and the end state's canonical hash. */
export type GoldReplay = {
  readonly outputs: readonly string[];
  readonly databaseHash: string;
};

/**
 * Runs the actions in order. Failing gold actions are part of some tasks (their error text is the
 * output and the database is left as the tool leaves it), so errors are kept, not thrown; a tool
 * that throws is reported the same way, as τ-bench does.
 */
export async function replayGoldActions(options: ReplayGoldOptions): Promise<GoldReplay> {
  const outputs: string[] = [];
  for (const [index, action] of options.actions.entries()) {
    const result = await runToolCall({
      tools: options.tools,
      call: { id: `gold_${index}`, name: action.name, arguments: action.kwargs },
      state: options.database,
    });
    outputs.push(result.message.content);
  }
  return { outputs, databaseHash: databaseHash(options.database) };
}
