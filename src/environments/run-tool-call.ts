// Runs one tool call of an assistant turn: look the tool up, validate the arguments with its zod
// schema, run it, and answer with a tool message. Failures the agent caused are answered, not thrown.

import type { ToolCall, ToolMessage } from '../conversation/messages.js';
import { EnvironmentError } from '../errors.js';
import type { Tool } from './tool.js';

/**
 * Why a tool call was answered with an error: no such tool, arguments the schema rejects, the tool
 * reported a failure (`{ ok: false }`), the tool threw, or the call could not be parsed at all.
 */
export type ToolErrorKind =
  'unknown_tool' | 'invalid_arguments' | 'tool_error' | 'tool_exception' | 'parse_failure';

/** What to do when a tool throws: answer the agent with an error message and count it, or throw. */
export type ToolExceptionPolicy = 'report' | 'throw';

/** Options of `runToolCall`. */
export type RunToolCallOptions<TState> = {
  readonly tools: readonly Tool<TState>[];
  readonly call: ToolCall;
  readonly state: TState;
  /**
   * 'report' (default): a thrown exception becomes the tool message `Error: <message>`, as τ-bench
   * does, and is counted as a 'tool_exception'. 'throw': EnvironmentError('tool_failed') with the cause.
   */
  readonly onToolException?: ToolExceptionPolicy;
};

/** The tool message answering a call, and the kind of error when it is an error. */
export type ToolCallResult = {
  readonly message: ToolMessage;
  readonly error?: ToolErrorKind;
};

/** Runs `call` against `tools` over `state`; every failure except a loud tool exception comes back as a message. */
export async function runToolCall<TState>(options: RunToolCallOptions<TState>): Promise<ToolCallResult> {
  const { tools, call, state } = options;
  const answer = (content: string, error?: ToolErrorKind): ToolCallResult => ({
    message: {
      role: 'tool',
      toolCallId: call.id,
      name: call.name,
      content,
      ...(error === undefined ? {} : { isError: true }),
    },
    ...(error === undefined ? {} : { error }),
  });

  const tool = tools.find((candidate) => candidate.name === call.name);
  if (tool === undefined) {
    const known = tools.map((candidate) => candidate.name).join(', ');
    return answer(`Error: unknown tool "${call.name}"; available tools: ${known}`, 'unknown_tool');
  }

  const parsed = tool.arguments.safeParse(call.arguments);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const where = issue.path.length === 0 ? 'arguments' : `argument "${issue.path.join('.')}"`;
      return `${where}: ${issue.message}`;
    });
    return answer(`Error: invalid arguments for ${tool.name}: ${problems.join('; ')}`, 'invalid_arguments');
  }

  try {
    const outcome = await tool.run(parsed.data, { state });
    return outcome.ok ? answer(outcome.content) : answer(outcome.error, 'tool_error');
  } catch (error) {
    if (options.onToolException === 'throw') {
      throw new EnvironmentError('tool_failed', `tool ${tool.name} threw: ${errorText(error)}`, {
        cause: error,
      });
    }
    return answer(`Error: ${errorText(error)}`, 'tool_exception');
  }
}

/** The message of a thrown value, whatever was thrown. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
