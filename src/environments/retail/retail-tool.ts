// The shape of a retail tool: τ-bench's function schema, a zod schema for the arguments, and the
// original tool's logic over the episode's database, synchronous, returning the original's text.

import type { z } from 'zod';
import type { JsonSchema, Tool, ToolContext, ToolOutcome } from '../tool.js';
import { pythonJsonDumps } from './python-json.js';
import { pythonStringRepr } from './python-text.js';
import type { RetailDatabase } from './retail-types.js';

/** A retail tool. Its `run` is synchronous, so a replay needs no awaiting. */
export interface RetailTool<TArgs = unknown> extends Tool<RetailDatabase, TArgs> {
  run(args: TArgs, context: ToolContext<RetailDatabase>): ToolOutcome;
}

/** What a retail tool file declares. */
export type RetailToolDefinition<TArgs> = {
  readonly name: string;
  /** Exactly as in τ-bench's `tool_schemas.json`. */
  readonly description: string;
  readonly parameters: JsonSchema;
  readonly arguments: z.ZodType<TArgs>;
  /** The original's logic: mutates `database` in place and returns its text or its error. */
  invoke(database: RetailDatabase, args: TArgs): ToolOutcome;
};

/**
 * A Python exception the original would raise on inconsistent data (a KeyError, an IndexError); like
 * τ-bench's environment, the tool answers `Error: <exception text>`.
 */
export class PythonLookupError extends Error {}

/** A retail tool from its definition. */
export function defineRetailTool<TArgs>(definition: RetailToolDefinition<TArgs>): RetailTool<TArgs> {
  const { invoke, ...rest } = definition;
  return {
    ...rest,
    run: (args, context) => {
      try {
        return invoke(context.state, args);
      } catch (error) {
        if (error instanceof PythonLookupError) return fail(error.message);
        throw error;
      }
    },
  };
}

/** `table[key]` in Python: a KeyError (`Error: 'key'`) when the key is missing. */
export function lookup<T>(table: Readonly<Record<string, T>>, key: string): T {
  if (!Object.hasOwn(table, key)) throw new PythonLookupError(pythonStringRepr(key));
  return table[key];
}

/** `list[0]` in Python: an IndexError when the list is empty. */
export function first<T>(list: readonly T[]): T {
  if (list.length === 0) throw new PythonLookupError('list index out of range');
  return list[0];
}

/** A successful result with this text. */
export function succeed(content: string): ToolOutcome {
  return { ok: true, content };
}

/** A successful result: the record as Python's `json.dumps` prints it. */
export function succeedWithJson(record: unknown): ToolOutcome {
  return succeed(pythonJsonDumps(record));
}

/** A failure with the original's text, `Error: <message>`. */
export function fail(message: string): ToolOutcome {
  return { ok: false, error: `Error: ${message}` };
}

/** The text the original returns for `outcome`: its content, or its `Error: …` string. */
export function outcomeText(outcome: ToolOutcome): string {
  return outcome.ok ? outcome.content : outcome.error;
}
