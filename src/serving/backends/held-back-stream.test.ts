import { describe, expect, it } from 'vitest';
import { parseToolCalls } from '../../conversation/tool-call-format.js';
import { HeldBackStream, streamableLength, TOOL_CALL_MARKERS } from './held-back-stream.js';

const CALL = '<tool_call>\n{"name": "get_order", "arguments": {"order_id": "A1"}}\n</tool_call>';

describe('streamableLength', () => {
  it('allows everything before the first marker', () => {
    expect(streamableLength('Checking.\n<tool_call>\n{', TOOL_CALL_MARKERS)).toBe('Checking.'.length);
    expect(streamableLength('a<tool_call>b', TOOL_CALL_MARKERS)).toBe(1);
    expect(streamableLength('plain text', TOOL_CALL_MARKERS)).toBe(10);
  });

  it('holds back a tail that could grow into a marker', () => {
    expect(streamableLength('Checking.\n', TOOL_CALL_MARKERS)).toBe(9);
    expect(streamableLength('Checking.\n<tool_c', TOOL_CALL_MARKERS)).toBe(9);
    expect(streamableLength('a <tool', TOOL_CALL_MARKERS)).toBe(2);
    expect(streamableLength('a <b>', TOOL_CALL_MARKERS)).toBe(5);
    expect(streamableLength('see you END', ['END.'])).toBe(8);
    expect(streamableLength('', ['x'])).toBe(0);
  });
});

/** The content a backend would return for `text`: cut at the first stop string, tool calls parsed. */
function finalContent(text: string, stops: readonly string[]): string {
  const cuts = stops.map((stop) => text.indexOf(stop)).filter((at) => at >= 0);
  const cut = cuts.length === 0 ? text : text.slice(0, Math.min(...cuts));
  return parseToolCalls(cut).content;
}

/** Streams `text` in pieces of `size` characters and returns the pieces `onDelta` received. */
async function streamInPieces(text: string, size: number, stops: readonly string[]): Promise<string[]> {
  const pieces: string[] = [];
  const stream = new HeldBackStream({
    markers: [...TOOL_CALL_MARKERS, ...stops],
    onDelta: async ({ content }) => void pieces.push(content),
  });
  for (let end = size; end < text.length + size; end += size) stream.update(text.slice(0, end));
  await stream.finish(finalContent(text, stops));
  return pieces;
}

describe('HeldBackStream', () => {
  const cases: { text: string; stops: string[] }[] = [
    { text: 'Your order A1 has shipped.', stops: [] },
    { text: `Let me check.\n${CALL}`, stops: [] },
    { text: `Before\n${CALL}\nafter the call`, stops: [] },
    { text: `${CALL}\n${CALL}`, stops: [] },
    { text: 'Unclosed <tool_call> {"name": "x"', stops: [] },
    { text: 'Bad <tool_call>\nnot json\n</tool_call> tail', stops: [] },
    { text: 'Thanks! ###END### ignored', stops: ['###END###'] },
    { text: 'ab ab abc', stops: ['abc'] },
    { text: 'emoji 😀 then <tool_call', stops: ['STOP'] },
  ];

  it('streams pieces that concatenate to the final content and never contain a marker', async () => {
    for (const { text, stops } of cases) {
      for (const size of [1, 2, 3, 7, text.length]) {
        const pieces = await streamInPieces(text, size, stops);
        const label = `${JSON.stringify(text)} in pieces of ${size}`;
        expect(pieces.join(''), label).toBe(finalContent(text, stops));
        for (const piece of pieces) {
          expect(piece.length, label).toBeGreaterThan(0);
          if (finalContent(text, stops).includes('<tool_call>')) continue; // invalid blocks stay content
          expect(piece, label).not.toContain('<tool_call>');
          for (const stop of stops) expect(piece, label).not.toContain(stop);
        }
      }
    }
  });

  it('shows text before a tool call while it is generated, and nothing of the call', async () => {
    const pieces: string[] = [];
    const stream = new HeldBackStream({
      markers: TOOL_CALL_MARKERS,
      onDelta: ({ content }) => void pieces.push(content),
    });
    stream.update('Let me');
    stream.update('Let me check.');
    expect(stream.started).toBe(true);
    stream.update(`Let me check.\n${CALL.slice(0, 20)}`);
    stream.update(`Let me check.\n${CALL}`);
    await stream.finish('Let me check.');
    expect(pieces).toEqual(['Let me', ' check.']);
  });

  it('delivers pieces one after another and reports the first error of onDelta', async () => {
    const order: string[] = [];
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const stream = new HeldBackStream({
      markers: [],
      onDelta: async ({ content }) => {
        if (content === 'a') await gate;
        order.push(content);
        if (content === 'b') throw new Error('client went away');
      },
    });
    stream.update('a');
    stream.update('ab');
    stream.update('abc');
    release();
    await expect(stream.finish('abcd')).rejects.toThrow('client went away');
    expect(order).toEqual(['a', 'b']);
    expect(stream.error).toBeDefined();
  });
});
