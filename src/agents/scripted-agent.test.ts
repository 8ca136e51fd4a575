import { describe, expect, it } from 'vitest';
import type { Message } from '../conversation/messages.js';
import { ScriptedAgent } from './scripted-agent.js';

const USER: Message[] = [{ role: 'user', content: 'hi' }];

describe('ScriptedAgent', () => {
  it('plays a list of text, messages and turns, parsing tool calls from text', async () => {
    const agent = new ScriptedAgent({
      turns: [
        'Looking.\n<tool_call>\n{"name": "get_order", "arguments": {"order_id": "A1"}}\n</tool_call>',
        { role: 'assistant', content: 'Done.' },
        { message: { role: 'assistant', content: 'x' }, parseFailures: [{ raw: 'r', reason: 'why' }] },
      ],
    });
    const first = await agent.act({ messages: USER });
    expect(first).toEqual({
      message: {
        role: 'assistant',
        content: 'Looking.',
        toolCalls: [{ id: 'call_0_0', name: 'get_order', arguments: { order_id: 'A1' } }],
      },
    });
    const history: Message[] = [
      ...USER,
      first.message,
      { role: 'tool', toolCallId: 'call_0_0', name: 'get_order', content: 'ok' },
    ];
    expect(await agent.act({ messages: history })).toEqual({
      message: { role: 'assistant', content: 'Done.' },
    });
    expect((await agent.act({ messages: history })).parseFailures).toEqual([{ raw: 'r', reason: 'why' }]);
    await expect(agent.act({ messages: history })).rejects.toThrow(
      expect.objectContaining({
        code: 'script_exhausted',
        message: expect.stringMatching(/3 turns; turn 4/),
      }),
    );
  });

  it('reports malformed tool calls in scripted text as parse failures', async () => {
    const turn = await new ScriptedAgent({ turns: ['<tool_call>{bad</tool_call>'] }).act({ messages: USER });
    expect(turn.parseFailures).toEqual([
      { raw: '<tool_call>{bad</tool_call>', reason: expect.stringMatching(/invalid JSON/) },
    ]);
  });

  it('repeats its last turn when asked to, and restarts when forked', async () => {
    const agent = new ScriptedAgent({ turns: ['a', 'b'], whenExhausted: 'repeat_last' });
    const contents = [];
    for (let i = 0; i < 3; i++) contents.push((await agent.act({ messages: USER })).message.content);
    expect(contents).toEqual(['a', 'b', 'b']);
    expect((await agent.fork().act({ messages: USER })).message.content).toBe('a');
  });

  it('calls a script function with the turn index and conversation, sync or async', async () => {
    const agent = new ScriptedAgent({
      turns: async ({ turnIndex, messages }) => `turn ${turnIndex} after ${messages.length}`,
    });
    expect((await agent.act({ messages: USER })).message.content).toBe('turn 0 after 1');
    const sync = new ScriptedAgent({
      turns: ({ turnIndex }) => ({ role: 'assistant', content: String(turnIndex) }),
    });
    await sync.act({ messages: USER });
    expect((await sync.act({ messages: USER })).message.content).toBe('1');
  });

  it('needs at least one turn', () => {
    expect(() => new ScriptedAgent({ turns: [] })).toThrow(
      expect.objectContaining({ code: 'invalid_argument' }),
    );
  });
});
