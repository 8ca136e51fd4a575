// Test support: a tiny tool-and-user environment (a counter the tools change, a scripted user) and
// an agent that plays a fixed list of turns, for the runner's and the tools' tests.

import { z } from 'zod';
import type { Agent, AgentInput, AgentTurn } from '../../agents/agent.js';
import type { ToolCall } from '../../conversation/messages.js';
import type { Environment } from '../environment.js';
import type { ToolExceptionPolicy } from '../run-tool-call.js';
import type { Tool } from '../tool.js';
import { createToolUserEnvironment, worldTool, type ToolUserState } from '../tool-user-environment.js';
import { ScriptedUser } from '../users/scripted-user.js';

/** The counter world. */
export type Counter = { count: number };

/** State of the counter environment. */
export type CounterState = ToolUserState<Counter, string>;

/** `increment({ by })`: adds a positive integer; `explode()` throws; `finish()` is terminal. */
export const COUNTER_TOOLS: readonly Tool<Counter>[] = [
  {
    name: 'increment',
    description: 'Add a positive integer to the counter.',
    parameters: { type: 'object', properties: { by: { type: 'integer' } }, required: ['by'] },
    arguments: z.object({ by: z.number().int().positive() }).strict(),
    run: (args: { by: number }, { state }) => {
      state.count += args.by;
      return { ok: true, content: String(state.count) };
    },
  },
  {
    name: 'refuse',
    description: 'Always fails.',
    parameters: { type: 'object', properties: {} },
    arguments: z.object({}),
    run: () => ({ ok: false, error: 'Error: refused' }),
  },
  {
    name: 'explode',
    description: 'Always throws.',
    parameters: { type: 'object', properties: {} },
    arguments: z.object({}),
    run: () => {
      throw new Error('boom');
    },
  },
  {
    name: 'finish',
    description: 'Ends the episode.',
    parameters: { type: 'object', properties: {} },
    arguments: z.object({}),
    run: () => ({ ok: true, content: 'done' }),
  },
];

/** The counter environment: scenarios 'a'..'d' (train) and 'e' (dev); the user stops on "bye". */
export function counterEnvironment(
  options: { onToolException?: ToolExceptionPolicy } = {},
): Environment<CounterState> {
  return createToolUserEnvironment<Counter, string>({
    name: 'counter',
    tools: COUNTER_TOOLS.map((tool) => worldTool<Counter, string>(tool)),
    splits: { train: ['a', 'b', 'c', 'd'], dev: ['e'] },
    scenario: (id) => id,
    world: () => ({ count: 0 }),
    systemPrompt: (id) => `Count for scenario ${id}.`,
    user: (id, seed) =>
      new ScriptedUser({
        seed,
        scenario: {
          persona: 'counter fan',
          goal: `count in ${id}`,
          opening: [`Please count (${id}).`, `Count for me (${id}).`],
          script: [{ id: 'bye', when: ['bye'], replies: ['Bye!'], stop: true }],
          fallback: { replies: ['Go on.', 'Continue.'], stop: false },
        },
      }),
    terminalTools: ['finish'],
    onToolException: options.onToolException,
  });
}

/** A tool call with a deterministic id. */
export function call(name: string, args: Record<string, unknown> = {}, id = `call_${name}`): ToolCall {
  return { id, name, arguments: args };
}

/** An agent that plays `turns` in order (then repeats the last); `fork` restarts the list. */
export class ListAgent implements Agent {
  readonly name = 'list-agent';
  private index = 0;
  readonly inputs: AgentInput[] = [];

  constructor(private readonly turns: readonly (AgentTurn | ((input: AgentInput) => Promise<AgentTurn>))[]) {}

  async act(input: AgentInput): Promise<AgentTurn> {
    this.inputs.push(input);
    const turn = this.turns[Math.min(this.index++, this.turns.length - 1)];
    return typeof turn === 'function' ? turn(input) : turn;
  }

  fork(): ListAgent {
    return new ListAgent(this.turns);
  }
}

/** An assistant turn saying `content`, with optional tool calls. */
export function say(content: string, toolCalls?: readonly ToolCall[]): AgentTurn {
  return { message: { role: 'assistant', content, ...(toolCalls ? { toolCalls } : {}) } };
}
