import { describe, expect, it } from 'vitest';
import { Rng } from '../engine/random.js';
import type { ToolCall } from './messages.js';
import { formatAssistantText, formatToolCall, formatToolCalls, parseToolCalls } from './tool-call-format.js';

/** Fuzz iterations per property; each is a fresh random case from a fixed seed. */
const FUZZ_CASES = 300;
const CONTENT_ALPHABET = [
  'a',
  'Z',
  ' ',
  '\n',
  '{',
  '}',
  '"',
  '<',
  '>',
  '/',
  'é',
  '€',
  '😀',
  'tool',
  '_call',
  '\\',
];

function randomText(rng: Rng, maxLength: number): string {
  let text = '';
  const length = rng.int(maxLength + 1);
  for (let i = 0; i < length; i++) text += CONTENT_ALPHABET[rng.int(CONTENT_ALPHABET.length)];
  return text;
}

function randomJson(rng: Rng, depth: number): unknown {
  switch (rng.int(depth > 2 ? 4 : 6)) {
    case 0:
      return randomText(rng, 6);
    case 1:
      return rng.int(2000) - 1000 + (rng.int(2) === 0 ? 0 : 0.25);
    case 2:
      return rng.int(2) === 0;
    case 3:
      return null;
    case 4:
      return Array.from({ length: rng.int(3) }, () => randomJson(rng, depth + 1));
    default:
      return randomArguments(rng, depth + 1);
  }
}

function randomArguments(rng: Rng, depth = 0): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  for (let i = rng.int(4); i > 0; i--) args[`k${rng.int(100)}${randomText(rng, 2)}`] = randomJson(rng, depth);
  return args;
}

describe('formatToolCall', () => {
  it('writes a Hermes block with json.dumps spacing', () => {
    expect(
      formatToolCall({ name: 'get_order', arguments: { order_id: 'A1', items: [1, 2.5], gift: false } }),
    ).toBe(
      '<tool_call>\n{"name": "get_order", "arguments": {"order_id": "A1", "items": [1, 2.5], "gift": false}}\n</tool_call>',
    );
    expect(formatToolCalls([])).toBe('');
  });

  it('puts the content first and joins blocks with newlines', () => {
    const calls = [
      { name: 'a', arguments: {} },
      { name: 'b', arguments: { x: null } },
    ];
    expect(formatAssistantText({ content: 'Sure.', toolCalls: calls })).toBe(
      'Sure.\n<tool_call>\n{"name": "a", "arguments": {}}\n</tool_call>\n<tool_call>\n{"name": "b", "arguments": {"x": null}}\n</tool_call>',
    );
    expect(formatAssistantText({ content: '', toolCalls: calls.slice(0, 1) })).toBe(
      '<tool_call>\n{"name": "a", "arguments": {}}\n</tool_call>',
    );
  });
});

describe('parseToolCalls', () => {
  it('returns plain text unchanged, with no calls', () => {
    expect(parseToolCalls('  Hello\n there ')).toEqual({
      content: '  Hello\n there ',
      toolCalls: [],
      failures: [],
    });
  });

  it('reads compact blocks, string-encoded arguments and missing arguments', () => {
    const text =
      'ok<tool_call>{"name":"a","arguments":{"x":1}}</tool_call><tool_call>{"name":"b","arguments":"{\\"y\\":2}"}</tool_call><tool_call>{"name":"c"}</tool_call>';
    expect(parseToolCalls(text, { idPrefix: 't' })).toEqual({
      content: 'ok',
      toolCalls: [
        { id: 't0', name: 'a', arguments: { x: 1 } },
        { id: 't1', name: 'b', arguments: { y: 2 } },
        { id: 't2', name: 'c', arguments: {} },
      ],
      failures: [],
    });
  });

  it('reports each malformed block with its reason and keeps it in the content', () => {
    const cases: [string, RegExp][] = [
      ['<tool_call>{"name": "a", </tool_call>', /invalid JSON/],
      ['<tool_call>[1, 2]</tool_call>', /expected a JSON object/],
      ['<tool_call>{"arguments": {}}</tool_call>', /"name" must be a non-empty string/],
      ['<tool_call>{"name": "", "arguments": {}}</tool_call>', /"name" must be a non-empty string/],
      ['<tool_call>{"name": "a", "arguments": [1]}</tool_call>', /"arguments" must be a JSON object/],
      ['<tool_call>{"name": "a", "arguments": "nope"}</tool_call>', /string that is not a JSON object/],
      ['<tool_call>{"name": "a", "arguments": {}}', /unclosed <tool_call> block/],
    ];
    for (const [block, reason] of cases) {
      const parsed = parseToolCalls(`Hi ${block}`);
      expect(parsed.toolCalls).toEqual([]);
      expect(parsed.failures).toEqual([{ raw: block, reason: expect.stringMatching(reason) }]);
      expect(parsed.content).toBe(`Hi ${block}`);
    }
  });

  it('keeps valid calls next to a malformed one', () => {
    const good = formatToolCall({ name: 'a', arguments: { x: 1 } });
    const parsed = parseToolCalls(`${good}\n<tool_call>oops</tool_call>\n${good}`);
    expect(parsed.toolCalls.map((call) => call.id)).toEqual(['call_0', 'call_1']);
    expect(parsed.failures).toHaveLength(1);
    expect(parsed.content).toBe('\n<tool_call>oops</tool_call>');
  });

  it('inverts formatAssistantText exactly (fuzz)', () => {
    const rng = new Rng(11);
    for (let n = 0; n < FUZZ_CASES; n++) {
      const content = randomText(rng, 12);
      if (content.includes('<tool_call>')) continue;
      const toolCalls: ToolCall[] = Array.from({ length: rng.int(4) }, (_, i) => ({
        id: `call_${i}`,
        name: `tool_${rng.int(5)}`,
        arguments: randomArguments(rng),
      }));
      const text = formatAssistantText({ content, toolCalls });
      const parsed = parseToolCalls(text);
      expect(parsed.failures).toEqual([]);
      expect(parsed.toolCalls).toEqual(toolCalls);
      expect(parsed.content).toBe(toolCalls.length > 0 ? content : text);
      expect(formatAssistantText(parsed)).toBe(text);
    }
  });

  it('never throws on random text with tags, and every failure is a piece of the text (fuzz)', () => {
    const rng = new Rng(12);
    const pieces = [
      '<tool_call>',
      '</tool_call>',
      '{"name": "a", "arguments": {}}',
      '{',
      '"',
      'x',
      '\n',
      '[]',
    ];
    for (let n = 0; n < FUZZ_CASES; n++) {
      let text = '';
      for (let i = rng.int(10); i > 0; i--) text += pieces[rng.int(pieces.length)];
      const parsed = parseToolCalls(text);
      const opens = text.split('<tool_call>').length - 1;
      expect(parsed.toolCalls.length + parsed.failures.length).toBeLessThanOrEqual(opens);
      for (const failure of parsed.failures) {
        expect(text).toContain(failure.raw);
        expect(parsed.content).toContain(failure.raw);
      }
    }
  });
});
