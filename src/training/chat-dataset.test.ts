import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ByteChatRenderer } from '../conversation/byte-chat-renderer.js';
import { trajectoriesToJsonl } from '../conversation/trajectory-jsonl.js';
import type { Trajectory } from '../conversation/trajectory.js';
import { ByteTokenizer } from '../models/tokenizers/byte-tokenizer.js';
import { parseChatJsonl, readChatJsonl } from './chat-dataset.js';
import { tokenizeChatExamples } from './chat-dataset-tokens.js';

const renderer = new ByteChatRenderer({ tokenizer: new ByteTokenizer() });

/** An OpenAI fine-tuning line: a lookup with a tool call, its result, and the answer. */
const TOOL_LINE = {
  messages: [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'Status of #W1?' },
    {
      role: 'assistant',
      content: null,
      tool_calls: [
        {
          id: 'c1',
          type: 'function',
          function: { name: 'get_order_details', arguments: '{"order_id":"#W1"}' },
        },
      ],
    },
    { role: 'tool', tool_call_id: 'c1', content: 'order #W1 | status: pending' },
    { role: 'assistant', content: [{ type: 'text', text: 'Order #W1 is pending.' }] },
  ],
};

const line = (value: unknown) => JSON.stringify(value);
const simple = (answer: string) => ({
  messages: [
    { role: 'user', content: 'hi' },
    { role: 'assistant', content: answer },
  ],
});

/** The failure of parsing `lines`, as `line: message`. */
function failure(lines: readonly string[]): string {
  const parsed = parseChatJsonl(lines.join('\n'));
  if (parsed.ok) throw new Error('expected a failure');
  return `${parsed.error.line}: ${parsed.error.message}`;
}

describe('chat JSONL datasets', () => {
  it('reads OpenAI lines with tool calls into our messages, naming each tool result by its call', () => {
    const parsed = parseChatJsonl(`${line(TOOL_LINE)}\n\n${line(simple('hello'))}\n`);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.value).toHaveLength(2);
    expect(parsed.value[0].messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Status of #W1?' },
      {
        role: 'assistant',
        content: '',
        toolCalls: [{ id: 'c1', name: 'get_order_details', arguments: { order_id: '#W1' } }],
      },
      { role: 'tool', toolCallId: 'c1', name: 'get_order_details', content: 'order #W1 | status: pending' },
      { role: 'assistant', content: 'Order #W1 is pending.' },
    ]);
  });

  it('masks exactly the assistant tokens: the tool call and the answer, with their end tokens', () => {
    const parsed = parseChatJsonl(line(TOOL_LINE));
    if (!parsed.ok) throw new Error(parsed.error.message);
    const [sequence] = tokenizeChatExamples({ renderer, examples: parsed.value });
    expect(sequence.mask).toHaveLength(sequence.tokens.length);
    const trained = sequence.tokens.filter((_, i) => sequence.mask[i] === 1);
    const end = renderer.tokenizer.decode([renderer.stopTokenIds[0]]);
    expect(renderer.tokenizer.decode(trained)).toBe(
      `<tool_call>\n{"name": "get_order_details", "arguments": {"order_id": "#W1"}}\n</tool_call>${end}` +
        `Order #W1 is pending.${end}`,
    );
    expect(renderer.tokenizer.decode(sequence.tokens)).toBe(
      renderer.renderText({ messages: parsed.value[0].messages }),
    );
  });

  it('trains only on assistant messages with weight 1', () => {
    const weighted = {
      messages: [
        { role: 'user', content: 'a' },
        { role: 'assistant', content: 'skip me', weight: 0 },
        { role: 'user', content: 'b' },
        { role: 'assistant', content: 'learn me', weight: 1 },
      ],
    };
    const parsed = parseChatJsonl(line(weighted));
    if (!parsed.ok) throw new Error(parsed.error.message);
    expect(parsed.value[0].assistantWeights).toEqual([0, 1]);
    const [sequence] = tokenizeChatExamples({ renderer, examples: parsed.value });
    const trained = sequence.tokens.filter((_, i) => sequence.mask[i] === 1);
    expect(renderer.tokenizer.decode(trained)).toBe(
      `learn me${renderer.tokenizer.decode(renderer.stopTokenIds)}`,
    );
  });

  it('puts the tools of a line in the system prompt for a renderer without a native tool slot', () => {
    const tools = [
      { type: 'function', function: { name: 'get_order_details', description: 'Look up.', parameters: {} } },
    ];
    const parsed = parseChatJsonl(line({ ...simple('ok'), tools }));
    if (!parsed.ok) throw new Error(parsed.error.message);
    const [sequence] = tokenizeChatExamples({ renderer, examples: parsed.value });
    const text = renderer.tokenizer.decode(sequence.tokens);
    expect(text.startsWith('<|system|># Tools')).toBe(true);
    expect(text).toContain('"name": "get_order_details"');
  });

  it('reads Trajectory lines by their messages', () => {
    const trajectory: Trajectory = {
      id: 't1',
      messages: [
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: 'hello' },
      ],
      turns: [{ messageIndex: 1 }],
      metadata: {
        seed: 0,
        scenarioId: 's',
        environment: 'e',
        stopReason: 'user_stop',
        startedAt: '2025-01-01T00:00:00.000Z',
        durationMs: 1,
        toolErrors: 0,
      },
    };
    const parsed = parseChatJsonl(trajectoriesToJsonl([trajectory]));
    expect(parsed).toEqual({ ok: true, value: [{ messages: trajectory.messages }] });
  });

  it('names the line and the field of the first malformed line', () => {
    const good = line(simple('ok'));
    expect(failure([good, good, '{"messages": [', good])).toMatch(/^3: invalid JSON/);
    expect(failure([good, line({ messages: [{ role: 'bot', content: 'x' }] })])).toMatch(
      /^2: messages\[0\]\.role: Invalid discriminator value/,
    );
    expect(failure([line({ messages: [{ role: 'user' }, { role: 'assistant', content: 'x' }] })])).toMatch(
      /^1: messages\[0\]\.content: Invalid input/,
    );
    expect(failure([line({ messages: 'hi' })])).toMatch(/^1: messages: Invalid input: expected array/);
    expect(failure([line({ prompt: 'hi', completion: 'x' })])).toMatch(/^1: messages: /);
    expect(failure([line({ messages: [{ role: 'user', content: 'x', contnet: 'y' }] })])).toMatch(
      /^1: messages\[0\]: Unrecognized key: "contnet"/,
    );
  });

  it('refuses tool results without their call, arguments that are not an object, and nothing to learn', () => {
    const orphan = {
      messages: [...TOOL_LINE.messages.slice(0, 2), TOOL_LINE.messages[3], TOOL_LINE.messages[4]],
    };
    expect(failure([line(orphan)])).toBe(
      '1: messages[2].tool_call_id: no earlier assistant tool call has id "c1"',
    );
    const badArgs = structuredClone(TOOL_LINE);
    badArgs.messages[2].tool_calls = [
      { id: 'c1', type: 'function', function: { name: 'f', arguments: '[1]' } },
    ];
    expect(failure([line(badArgs)])).toBe(
      '1: messages[2].tool_calls[0].function.arguments: not a JSON object',
    );
    expect(failure([line({ messages: [{ role: 'user', content: 'x' }] })])).toBe(
      '1: messages: the conversation has no assistant message to train on',
    );
  });

  it('reads a file, and names the file and line of an error', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'chat-dataset-'));
    const path = join(dir, 'data.jsonl');
    await writeFile(path, [line(simple('a')), line(simple('b')), 'not json'].join('\n'));
    await expect(readChatJsonl({ path })).rejects.toMatchObject({
      code: 'invalid_trajectory',
      message: expect.stringMatching(new RegExp(`^${path}:3: invalid JSON`)),
    });
    await writeFile(path, `${line(simple('a'))}\n`);
    expect(await readChatJsonl({ path })).toHaveLength(1);
    await expect(readChatJsonl({ text: '\n\n' })).rejects.toThrow(
      'JSONL text: the dataset has no conversations',
    );
    await expect(readChatJsonl({ path: join(dir, 'missing.jsonl') })).rejects.toThrow(
      /cannot read chat dataset/,
    );
  });
});
