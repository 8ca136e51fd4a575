// Read-only views of a trajectory that several built-in rewards share: assistant messages, the tool
// calls the assistant made, and the tool results.

import type { AssistantMessage, ToolCall, ToolMessage } from '../conversation/messages.js';
import type { Trajectory } from '../conversation/trajectory.js';

/** An assistant message and its index in `trajectory.messages`. */
export type IndexedAssistantMessage = { readonly message: AssistantMessage; readonly messageIndex: number };

/** A tool call and the index of the assistant message that made it. */
export type IndexedToolCall = { readonly call: ToolCall; readonly messageIndex: number };

/** The assistant messages of a trajectory, in order. */
export function assistantMessages(trajectory: Trajectory): IndexedAssistantMessage[] {
  const found: IndexedAssistantMessage[] = [];
  trajectory.messages.forEach((message, messageIndex) => {
    if (message.role === 'assistant') found.push({ message, messageIndex });
  });
  return found;
}

/** Every tool call the assistant made, in order. */
export function assistantToolCalls(trajectory: Trajectory): IndexedToolCall[] {
  return assistantMessages(trajectory).flatMap(({ message, messageIndex }) =>
    (message.toolCalls ?? []).map((call) => ({ call, messageIndex })),
  );
}

/** The tool result messages, in order. */
export function toolMessages(trajectory: Trajectory): ToolMessage[] {
  return trajectory.messages.filter((message): message is ToolMessage => message.role === 'tool');
}
