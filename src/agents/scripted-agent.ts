// An agent that plays a script: a list of turns, or a function of the conversation. For tests,
// demonstrations and baselines; its turns carry no tokens.

import type { AssistantMessage } from '../conversation/messages.js';
import { parseToolCalls } from '../conversation/tool-call-format.js';
import { AgentError } from './agent-error.js';
import type { Agent, AgentInput, AgentTurn } from './agent.js';

/** One scripted turn: text (`<tool_call>` blocks become calls), a message, or a whole AgentTurn. */
export type ScriptedTurn = string | AssistantMessage | AgentTurn;

/** What a script function receives: the agent input and the 0-based index of this turn. */
export type ScriptInput = AgentInput & { readonly turnIndex: number };

/** Options of a scripted agent. */
export type ScriptedAgentOptions = {
  readonly turns:
    readonly ScriptedTurn[] | ((input: ScriptInput) => ScriptedTurn | PromiseLike<ScriptedTurn>);
  /** Default 'scripted'. */
  readonly name?: string;
  /** When a list runs out: fail with AgentError('script_exhausted') (default), or repeat the last turn. */
  readonly whenExhausted?: 'error' | 'repeat_last';
};

/** An Agent whose turns come from a script. */
export class ScriptedAgent implements Agent {
  readonly name: string;
  private turnIndex = 0;

  constructor(private readonly options: ScriptedAgentOptions) {
    this.name = options.name ?? 'scripted';
    if (Array.isArray(options.turns) && options.turns.length === 0) {
      throw new AgentError('invalid_argument', 'A scripted agent needs at least one turn.');
    }
  }

  async act(input: AgentInput): Promise<AgentTurn> {
    const turnIndex = this.turnIndex++;
    const { turns } = this.options;
    let turn: ScriptedTurn;
    if (typeof turns === 'function') {
      turn = await turns({ ...input, turnIndex });
    } else if (turnIndex < turns.length) {
      turn = turns[turnIndex];
    } else if (this.options.whenExhausted === 'repeat_last') {
      turn = turns[turns.length - 1];
    } else {
      throw new AgentError(
        'script_exhausted',
        `${this.name} has ${turns.length} turns; turn ${turnIndex + 1} was asked for.`,
      );
    }
    const assistantTurns = input.messages.filter((message) => message.role === 'assistant').length;
    return toAgentTurn(turn, `call_${assistantTurns}_`);
  }

  /** The same script from its first turn. */
  fork(): ScriptedAgent {
    return new ScriptedAgent(this.options);
  }
}

function toAgentTurn(turn: ScriptedTurn, idPrefix: string): AgentTurn {
  if (typeof turn !== 'string') return 'role' in turn ? { message: turn } : turn;
  const parsed = parseToolCalls(turn, { idPrefix });
  const message: AssistantMessage =
    parsed.toolCalls.length > 0
      ? { role: 'assistant', content: parsed.content, toolCalls: parsed.toolCalls }
      : { role: 'assistant', content: parsed.content };
  return parsed.failures.length > 0 ? { message, parseFailures: parsed.failures } : { message };
}
