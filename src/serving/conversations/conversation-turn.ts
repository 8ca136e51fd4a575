// One turn of a served conversation: the model answers the user's message; its tool calls run
// against the conversation's state and the results go back to it, until it answers in text, calls
// a terminal tool, or reaches the round limit.

import type { FastifyBaseLogger } from 'fastify';
import type { Message } from '../../conversation/messages.js';
import type { TurnRecord } from '../../conversation/trajectory.js';
import type { ChatToolRunner, ChatWorld } from '../../environments/chat-world.js';
import type { ChatBackend, SamplingParams } from '../chat-backend.js';

/** How a turn ended: a text answer, a terminal tool (the conversation is over), or the round limit. */
export type TurnEnd = 'answered' | 'terminal_tool' | 'round_limit';

/** Options of `runConversationTurn`. */
export type ConversationTurnOptions = {
  readonly backend: ChatBackend;
  readonly world: ChatWorld;
  /** Runs tool calls against this conversation's state. */
  readonly tools: ChatToolRunner;
  /** The conversation so far, ending with the user's new message. */
  readonly history: readonly Message[];
  readonly sampling: SamplingParams;
  readonly maxToolRounds: number;
  readonly signal: AbortSignal;
  readonly logger: FastifyBaseLogger;
};

/** What a turn added after the user's message. */
export type ConversationTurnResult = {
  /** Assistant messages and tool results, in order. */
  readonly messages: readonly Message[];
  /** One record per assistant message; `messageIndex` counts from the start of `history`. */
  readonly turns: readonly TurnRecord[];
  readonly end: TurnEnd;
  /** The terminal tool called, when `end` is terminal_tool. */
  readonly terminalTool?: string;
  readonly usage: { readonly promptTokens: number; readonly completionTokens: number };
  /** True when some reply came from the resilience layer's fallback, not the model. */
  readonly degraded: boolean;
};

/** Runs the model and tools until the turn ends; throws whatever the backend or a tool throws. */
export async function runConversationTurn(options: ConversationTurnOptions): Promise<ConversationTurnResult> {
  const { backend, world, logger } = options;
  const history = [...options.history];
  const added: Message[] = [];
  const turns: TurnRecord[] = [];
  const usage = { promptTokens: 0, completionTokens: 0 };
  let degraded = false;
  const push = (message: Message) => {
    history.push(message);
    added.push(message);
  };
  for (let round = 1; ; round++) {
    options.signal.throwIfAborted();
    const started = performance.now();
    const completion = await backend.complete({
      messages: history,
      ...(world.tools.length === 0 ? {} : { tools: world.tools }),
      sampling: options.sampling,
      signal: options.signal,
    });
    usage.promptTokens += completion.usage.promptTokens;
    usage.completionTokens += completion.usage.completionTokens;
    degraded ||= completion.degraded === true;
    turns.push({
      messageIndex: history.length,
      ...(completion.tokens === undefined ? {} : { tokens: completion.tokens }),
    });
    push(completion.message);
    const calls = completion.message.toolCalls ?? [];
    logger.info(
      {
        round,
        toolCalls: calls.map((call) => call.name),
        finishReason: completion.finishReason,
        completionTokens: completion.usage.completionTokens,
        ms: Math.round(performance.now() - started),
      },
      'assistant turn',
    );
    if (calls.length === 0) return { messages: added, turns, end: 'answered', usage, degraded };
    const answer = await options.tools({ message: completion.message });
    for (const message of answer.messages) push(message);
    if (answer.toolErrors > 0) logger.info({ round, errors: answer.errorCounts }, 'tool errors');
    const terminalTool = answer.calledTools.find((name) => world.terminalTools.includes(name));
    if (terminalTool !== undefined) {
      return { messages: added, turns, end: 'terminal_tool', terminalTool, usage, degraded };
    }
    if (round >= options.maxToolRounds)
      return { messages: added, turns, end: 'round_limit', usage, degraded };
  }
}
