// ToolStates: a conversation's tool state is rebuilt by replaying its stored tool calls, brought up
// to date incrementally, forgotten beyond its capacity, and replay that disagrees with the stored
// results is reported.

import { describe, expect, it } from 'vitest';
import type { AssistantMessage, Message } from '../../conversation/messages.js';
import { createChatWorld } from '../../environments/chat-world.js';
import { COUNTER_TOOLS, type Counter } from '../../environments/test-support/counter-environment.js';
import type { StoredConversation } from '../conversation-store.js';
import { ToolStates } from './tool-states.js';

const world = () => {
  let opened = 0;
  const chatWorld = createChatWorld<Counter>({
    label: 'counter',
    tools: COUNTER_TOOLS,
    systemPrompt: '',
    terminalTools: [],
    freshState: () => {
      opened++;
      return { count: 0 };
    },
  });
  return { world: chatWorld, opened: () => opened };
};

const increment = (by: number, id: string): AssistantMessage => ({
  role: 'assistant',
  content: '',
  toolCalls: [{ id, name: 'increment', arguments: { by } }],
});

/** A conversation whose messages are `messages`, the results played on one fresh counter. */
function conversation(id: string, messages: Message[]): StoredConversation {
  return {
    id,
    owner: 'alice',
    agent: 'test',
    environment: 'counter',
    status: 'active',
    messages,
    turns: [],
    feedback: [],
    createdAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-01T00:00:00.000Z',
    version: 1,
  };
}

const result = (content: string, toolCallId: string): Message => ({
  role: 'tool',
  toolCallId,
  name: 'increment',
  content,
});

describe('ToolStates', () => {
  it('replays stored tool calls into fresh state, then only the ones it has not seen', async () => {
    const { world: counter, opened } = world();
    const states = new ToolStates(4);
    const history: Message[] = [{ role: 'user', content: 'add' }, increment(2, 'a'), result('2', 'a')];
    const first = await states.runnerFor(conversation('c1', history), counter);
    expect(first.report).toEqual({ replayedTurns: 1, mismatches: 0 });
    // Another replica added a turn: only that one is replayed, on the state already held.
    history.push(increment(3, 'b'), result('5', 'b'));
    const second = await states.runnerFor(conversation('c1', history), counter);
    expect(second.report).toEqual({ replayedTurns: 1, mismatches: 0 });
    expect(second.runner).toBe(first.runner);
    expect(opened()).toBe(1);
    const live = await second.runner({ message: increment(1, 'c') });
    expect(live.messages[0].content).toBe('6');
    // The live call is stored by the caller, which then says the state has seen it: nothing replays.
    history.push(increment(1, 'c'), live.messages[0]);
    states.advance('c1', history.length);
    const third = await states.runnerFor(conversation('c1', history), counter);
    expect(third.report).toEqual({ replayedTurns: 0, mismatches: 0 });
  });

  it('reports replayed results that differ from the stored ones', async () => {
    const { world: counter } = world();
    const states = new ToolStates(4);
    const history: Message[] = [increment(2, 'a'), result('7', 'a')];
    const { report } = await states.runnerFor(conversation('c1', history), counter);
    expect(report).toEqual({ replayedTurns: 1, mismatches: 1 });
  });

  it('starts over after evict, for a different conversation with the same id, and beyond capacity', async () => {
    const { world: counter, opened } = world();
    const states = new ToolStates(1);
    const history: Message[] = [increment(2, 'a'), result('2', 'a')];
    await states.runnerFor(conversation('c1', history), counter);
    states.evict('c1');
    expect(states.size).toBe(0);
    await states.runnerFor(conversation('c1', history), counter);
    await states.runnerFor(
      { ...conversation('c1', history), createdAt: '2025-02-01T00:00:00.000Z' },
      counter,
    );
    expect(opened()).toBe(3);
    await states.runnerFor(conversation('c2', history), counter); // pushes c1 out
    expect(states.size).toBe(1);
    const again = await states.runnerFor(conversation('c1', history), counter);
    expect(again.report.replayedTurns).toBe(1);
    expect(opened()).toBe(5);
  });
});
