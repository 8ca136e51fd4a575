import { describe, expect, it } from 'vitest';
import { EnvironmentError } from '../errors.js';
import { answerToolTurn, isToolTurn, parseFailureMessage } from './answer-tool-turn.js';
import { runToolCall } from './run-tool-call.js';
import { call, COUNTER_TOOLS, say, type Counter } from './test-support/counter-environment.js';

describe('runToolCall', () => {
  it('runs a valid call and answers with its output', async () => {
    const state: Counter = { count: 1 };
    const result = await runToolCall({
      tools: COUNTER_TOOLS,
      call: call('increment', { by: 2 }, 'c1'),
      state,
    });
    expect(result).toEqual({ message: { role: 'tool', toolCallId: 'c1', name: 'increment', content: '3' } });
    expect(state.count).toBe(3);
  });

  it('answers an unknown tool with an error naming the available tools', async () => {
    const result = await runToolCall({ tools: COUNTER_TOOLS, call: call('decrement'), state: { count: 0 } });
    expect(result.error).toBe('unknown_tool');
    expect(result.message.isError).toBe(true);
    expect(result.message.content).toContain('unknown tool "decrement"');
    expect(result.message.content).toContain('increment, refuse, explode, finish');
  });

  it('rejects arguments the schema rejects, naming the argument, without running the tool', async () => {
    const state: Counter = { count: 0 };
    const wrongType = await runToolCall({
      tools: COUNTER_TOOLS,
      call: call('increment', { by: 'two' }),
      state,
    });
    expect(wrongType.error).toBe('invalid_arguments');
    expect(wrongType.message.content).toMatch(/^Error: invalid arguments for increment: argument "by": /);
    const missing = await runToolCall({ tools: COUNTER_TOOLS, call: call('increment', {}), state });
    expect(missing.message.content).toContain('argument "by"');
    const extra = await runToolCall({
      tools: COUNTER_TOOLS,
      call: call('increment', { by: 1, to: 2 }),
      state,
    });
    expect(extra.error).toBe('invalid_arguments');
    expect(extra.message.content).toContain('to');
    expect(state.count).toBe(0);
  });

  it('answers a reported tool failure as an error', async () => {
    const result = await runToolCall({ tools: COUNTER_TOOLS, call: call('refuse'), state: { count: 0 } });
    expect(result.error).toBe('tool_error');
    expect(result.message).toMatchObject({ content: 'Error: refused', isError: true });
  });

  it('reports a thrown tool as an error message by default, and throws when set to fail loudly', async () => {
    const reported = await runToolCall({ tools: COUNTER_TOOLS, call: call('explode'), state: { count: 0 } });
    expect(reported.error).toBe('tool_exception');
    expect(reported.message.content).toBe('Error: boom');
    const loud = runToolCall({
      tools: COUNTER_TOOLS,
      call: call('explode'),
      state: { count: 0 },
      onToolException: 'throw',
    });
    await expect(loud).rejects.toBeInstanceOf(EnvironmentError);
    await expect(loud).rejects.toMatchObject({ code: 'tool_failed', message: 'tool explode threw: boom' });
  });
});

describe('answerToolTurn', () => {
  it('runs calls in order, answers parse failures with one user message, and counts every error', async () => {
    const state: Counter = { count: 0 };
    const turn = {
      ...say('', [
        call('increment', { by: 1 }, 'a'),
        call('nope', {}, 'b'),
        call('increment', { by: 5 }, 'c'),
      ]),
      parseFailures: [
        { raw: '{"name": "increment", "arguments": {', reason: 'truncated JSON' },
        { raw: '<tool>??', reason: 'no tool name' },
      ],
    };
    expect(isToolTurn(turn)).toBe(true);
    const answer = await answerToolTurn({ tools: COUNTER_TOOLS, state, turn });
    expect(answer.messages.map((message) => message.role)).toEqual(['tool', 'tool', 'tool', 'user']);
    expect(answer.messages.slice(0, 3).map((message) => message.content)).toEqual([
      '1',
      expect.stringContaining('unknown tool'),
      '6',
    ]);
    expect(answer.messages[3].content).toContain('2 tool call(s) could not be parsed');
    expect(answer.messages[3].content).toContain('truncated JSON');
    expect(answer.toolErrors).toBe(3);
    expect(answer.errorCounts).toEqual({ unknown_tool: 1, parse_failure: 2 });
    expect(answer.calledTools).toEqual(['increment', 'nope', 'increment']);
  });

  it('treats a plain text turn as not a tool turn', () => {
    expect(isToolTurn(say('hello'))).toBe(false);
    expect(isToolTurn({ ...say('x'), parseFailures: [] })).toBe(false);
  });

  it('truncates long raw outputs in the parse failure message', () => {
    const message = parseFailureMessage([{ raw: 'x'.repeat(1000), reason: 'bad' }]);
    expect(message.content.length).toBeLessThan(300);
  });
});
