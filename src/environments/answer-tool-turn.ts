// Answers the tool side of an assistant turn: each tool call in order (tools may change the state,
// so order matters), then one message for the tool calls that could not be parsed.

import type { AgentTurn, ToolCallParseFailure } from '../agents/agent.js';
import type { Message, UserMessage } from '../conversation/messages.js';
import { runToolCall, type ToolErrorKind, type ToolExceptionPolicy } from './run-tool-call.js';
import type { Tool } from './tool.js';

/** How many tool errors of each kind. */
export type ToolErrorCounts = Readonly<Partial<Record<ToolErrorKind, number>>>;

/** Options of `answerToolTurn`. */
export type AnswerToolTurnOptions<TState> = {
  readonly tools: readonly Tool<TState>[];
  readonly state: TState;
  readonly turn: AgentTurn;
  readonly onToolException?: ToolExceptionPolicy;
};

/** The messages answering a turn's tool calls and parse failures, and the errors among them. */
export type ToolTurnAnswer = {
  readonly messages: readonly Message[];
  /** Errors in this turn: error tool messages plus one per parse failure. */
  readonly toolErrors: number;
  readonly errorCounts: ToolErrorCounts;
  /** Names of the tools called (valid or not), in order. */
  readonly calledTools: readonly string[];
};

/** True when the turn has tool calls or unparseable tool calls, so the tools (not the user) answer it. */
export function isToolTurn(turn: AgentTurn): boolean {
  return (turn.message.toolCalls?.length ?? 0) > 0 || (turn.parseFailures?.length ?? 0) > 0;
}

/**
 * Parse failures are answered with ONE user message, not tool messages: a failure has no tool call
 * id to answer, and OpenAI-compatible APIs reject tool messages that answer no call. It names each
 * failure so the policy can see what went wrong.
 */
export function parseFailureMessage(failures: readonly ToolCallParseFailure[]): UserMessage {
  const lines = failures.map((failure) => `- ${failure.reason}: ${truncate(failure.raw, 200)}`);
  return {
    role: 'user',
    content: `Error: ${failures.length} tool call(s) could not be parsed:\n${lines.join('\n')}`,
  };
}

/** Runs every tool call of `turn` in order and answers its parse failures; counts the errors by kind. */
export async function answerToolTurn<TState>(
  options: AnswerToolTurnOptions<TState>,
): Promise<ToolTurnAnswer> {
  const messages: Message[] = [];
  const counts: Partial<Record<ToolErrorKind, number>> = {};
  const count = (kind: ToolErrorKind, amount: number) => {
    counts[kind] = (counts[kind] ?? 0) + amount;
  };
  const calls = options.turn.message.toolCalls ?? [];
  for (const call of calls) {
    const result = await runToolCall({
      tools: options.tools,
      call,
      state: options.state,
      onToolException: options.onToolException,
    });
    messages.push(result.message);
    if (result.error !== undefined) count(result.error, 1);
  }
  const failures = options.turn.parseFailures ?? [];
  if (failures.length > 0) {
    messages.push(parseFailureMessage(failures));
    count('parse_failure', failures.length);
  }
  const toolErrors = Object.values(counts).reduce((sum, value) => sum + value, 0);
  return { messages, toolErrors, errorCounts: counts, calledTools: calls.map((call) => call.name) };
}

/** Adds two error counts kind by kind. */
export function addToolErrorCounts(left: ToolErrorCounts, right: ToolErrorCounts): ToolErrorCounts {
  const sum: Partial<Record<ToolErrorKind, number>> = { ...left };
  for (const [kind, value] of Object.entries(right) as [ToolErrorKind, number][]) {
    sum[kind] = (sum[kind] ?? 0) + value;
  }
  return sum;
}

function truncate(text: string, length: number): string {
  return text.length <= length ? text : `${text.slice(0, length)}…`;
}
