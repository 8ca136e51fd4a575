// The tool state of each conversation on this replica. Another replica may have taken turns since,
// so a state is brought up to date by replaying the stored assistant tool calls it has not seen, in
// order, into it: the tools are deterministic, so replay rebuilds exactly the state they left.

import type { Message, ToolMessage } from '../../conversation/messages.js';
import type { ChatToolRunner, ChatWorld } from '../../environments/chat-world.js';
import type { StoredConversation } from '../conversation-store.js';

/** A runner and how many of the conversation's messages its state reflects. */
type Entry = { readonly runner: ChatToolRunner; readonly createdAt: string; applied: number };

/** What bringing a state up to date did. */
export type ReplayReport = {
  /** Assistant turns with tool calls replayed. */
  readonly replayedTurns: number;
  /** Replayed tool results that differ from the stored ones (a tool or its data is not deterministic). */
  readonly mismatches: number;
};

/** Tool states by conversation id, the most recently used kept up to `capacity`. */
export class ToolStates {
  readonly #entries = new Map<string, Entry>();

  constructor(private readonly capacity: number) {}

  /**
   * A runner whose state reflects every message of `conversation`, replaying what this replica has
   * not seen (all of it on a fresh state). The caller must hold the conversation's lock.
   */
  async runnerFor(
    conversation: StoredConversation,
    world: ChatWorld,
  ): Promise<{ readonly runner: ChatToolRunner; readonly report: ReplayReport }> {
    let entry = this.#entries.get(conversation.id);
    this.#entries.delete(conversation.id);
    const usable =
      entry !== undefined &&
      entry.createdAt === conversation.createdAt &&
      entry.applied <= conversation.messages.length;
    if (!usable) entry = { runner: world.open(), createdAt: conversation.createdAt, applied: 0 };
    const current = entry as Entry;
    const report = await replay(current.runner, conversation.messages, current.applied);
    current.applied = conversation.messages.length;
    this.#remember(conversation.id, current);
    return { runner: current.runner, report };
  }

  /** Records that the runner of `id` has now run every tool call of its first `messageCount` messages. */
  advance(id: string, messageCount: number): void {
    const entry = this.#entries.get(id);
    if (entry !== undefined) entry.applied = messageCount;
  }

  /** Forgets the state of `id` (finished, deleted, or a turn failed halfway through its tool calls). */
  evict(id: string): void {
    this.#entries.delete(id);
  }

  /** Conversations whose state is held. */
  get size(): number {
    return this.#entries.size;
  }

  #remember(id: string, entry: Entry): void {
    if (this.capacity === 0) return;
    this.#entries.set(id, entry);
    while (this.#entries.size > this.capacity) {
      const oldest = this.#entries.keys().next().value as string;
      this.#entries.delete(oldest);
    }
  }
}

/** Runs the tool calls of `messages[from…]` in order and compares the results with the stored ones. */
async function replay(
  runner: ChatToolRunner,
  messages: readonly Message[],
  from: number,
): Promise<ReplayReport> {
  let replayedTurns = 0;
  let mismatches = 0;
  for (let index = from; index < messages.length; index++) {
    const message = messages[index];
    if (message.role !== 'assistant' || (message.toolCalls?.length ?? 0) === 0) continue;
    const answer = await runner({ message });
    replayedTurns++;
    const stored: ToolMessage[] = []; // the results stored right after the call
    for (let next = index + 1; next < messages.length; next++) {
      const candidate = messages[next];
      if (candidate.role !== 'tool') break;
      stored.push(candidate);
    }
    for (const result of answer.messages) {
      if (result.role !== 'tool') continue;
      const original = stored.find((candidate) => candidate.toolCallId === result.toolCallId);
      if (original?.content !== result.content) mismatches++;
    }
  }
  return { replayedTurns, mismatches };
}
