// Typed tools: a name, a description, JSON-schema parameters shown to the model, a zod schema that
// validates the arguments, and an implementation over the environment's state.

import type { z } from 'zod';

/** The JSON schema of a tool's parameters, as in an OpenAI function definition. */
export type JsonSchema = Readonly<Record<string, unknown>>;

/** What running a tool produced: its output text, or an error message for the agent. */
export type ToolOutcome =
  { readonly ok: true; readonly content: string } | { readonly ok: false; readonly error: string };

/** What a tool implementation receives besides its arguments. */
export type ToolContext<TState> = { readonly state: TState };

/** A tool an agent can call. `run` may mutate `context.state` (a database, say). */
export interface Tool<TState = unknown, TArgs = unknown> {
  readonly name: string;
  readonly description: string;
  /** JSON schema of the arguments, shown to the model. */
  readonly parameters: JsonSchema;
  /** Validates and types the arguments before `run` sees them. */
  readonly arguments: z.ZodType<TArgs>;
  run(args: TArgs, context: ToolContext<TState>): ToolOutcome | PromiseLike<ToolOutcome>;
}
