// Replays tool calls on a database, as τ-bench's gold-action replay does: each call's returned text
// in order, then the canonical hash of the end state.

import { z } from 'zod';
import { EnvironmentError } from '../../errors.js';
import { databaseHash } from './database-hash.js';
import { outcomeText, type RetailTool } from './retail-tool.js';
import { RETAIL_TOOLS } from './retail-tools.js';
import type { RetailDatabase } from './retail-types.js';

/** One call to replay: a tool name and its keyword arguments (τ-bench's `Action`). */
export type ReplayAction = {
  readonly name: string;
  readonly kwargs: Readonly<Record<string, unknown>>;
};

/** What a replay produced: each call's text (result or `Error: …`) and the end state's hash. */
export type ReplayResult = {
  readonly outputs: readonly string[];
  readonly dbHash: string;
};

/** Options of `replayActions`. */
export type ReplayOptions = {
  /** The tools to look names up in; default `RETAIL_TOOLS`. */
  readonly tools?: readonly RetailTool[];
  /** Hashes the end state; default `databaseHash` (a `createDatabaseHasher` gives the same, faster). */
  readonly hash?: (database: RetailDatabase) => string;
};

/**
 * Runs the actions in order on `database`, mutating it. A tool's error is its output, as in the
 * original; arguments the tool's schema rejects give `Error: invalid arguments for …`. A name that is
 * no tool throws EnvironmentError('unknown_tool') before anything runs.
 */
export function replayActions(
  database: RetailDatabase,
  actions: readonly ReplayAction[],
  options: ReplayOptions = {},
): ReplayResult {
  const tools = options.tools ?? RETAIL_TOOLS;
  const resolved = actions.map((action, index) => {
    const tool = tools.find((candidate) => candidate.name === action.name);
    if (tool === undefined)
      throw new EnvironmentError('unknown_tool', unknownToolMessage(tools, action.name, index));
    return tool;
  });
  const outputs = actions.map((action, index) => runAction(resolved[index], action.kwargs, database));
  return { outputs, dbHash: (options.hash ?? databaseHash)(database) };
}

function runAction(
  tool: RetailTool,
  kwargs: Readonly<Record<string, unknown>>,
  database: RetailDatabase,
): string {
  const parsed = tool.arguments.safeParse(kwargs);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const where = issue.path.length === 0 ? 'arguments' : `argument "${issue.path.join('.')}"`;
      return `${where}: ${issue.message}`;
    });
    return `Error: invalid arguments for ${tool.name}: ${problems.join('; ')}`;
  }
  return outcomeText(tool.run(parsed.data, { state: database }));
}

const actionsSchema = z.array(z.object({ name: z.string(), kwargs: z.record(z.string(), z.unknown()) }));

/** Checks parsed JSON as a list of `{ name, kwargs }`; the message says which entry is wrong. */
export function parseReplayActions(
  value: unknown,
): { readonly ok: true; readonly value: ReplayAction[] } | { readonly ok: false; readonly error: string } {
  const checked = actionsSchema.safeParse(value);
  if (checked.success) return { ok: true, value: checked.data };
  const issue = checked.error.issues[0];
  const where = issue.path.length === 0 ? 'the actions' : `actions[${issue.path.join('].')}`;
  return { ok: false, error: `${where}: ${issue.message}; expected [{ "name": tool, "kwargs": {…} }, …]` };
}

function unknownToolMessage(tools: readonly RetailTool[], name: string, index: number): string {
  const known = tools.map((tool) => tool.name).join(', ');
  return `actions[${index}]: unknown tool "${name}"; the tools are ${known}`;
}
