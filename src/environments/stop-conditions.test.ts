import { describe, expect, it } from 'vitest';
import type { TurnRecord } from '../conversation/trajectory.js';
import {
  anyOf,
  completionTokens,
  DEFAULT_STOP,
  maxTurns,
  terminalTool,
  tokenBudget,
  toolErrorLimit,
  userStop,
  type EpisodeView,
} from './stop-conditions.js';
import { call, say } from './test-support/counter-environment.js';

const turn = (completion: number): TurnRecord => ({
  messageIndex: 0,
  tokens: { prompt: [1], completion: Array.from({ length: completion }, () => 2), logprobs: [] },
});

function view(overrides: Partial<EpisodeView> = {}): EpisodeView {
  return { messages: [], turns: [], lastTurn: say('hi'), lastMessages: [], toolErrors: 0, ...overrides };
}

describe('stop conditions', () => {
  it('maxTurns stops at the limit', () => {
    expect(maxTurns(2)(view({ turns: [turn(1)] }))).toBeUndefined();
    expect(maxTurns(2)(view({ turns: [turn(1), turn(1)] }))).toBe('max_turns');
  });

  it('userStop stops on the marker in a user message only', () => {
    expect(userStop()(view({ lastMessages: [{ role: 'user', content: 'ok ###STOP###' }] }))).toBe(
      'user_stop',
    );
    expect(userStop()(view({ lastMessages: [{ role: 'user', content: 'ok' }] }))).toBeUndefined();
    const toolSaysStop = { role: 'tool' as const, toolCallId: 'a', name: 'x', content: '###STOP###' };
    expect(userStop()(view({ lastMessages: [toolSaysStop] }))).toBeUndefined();
  });

  it('terminalTool stops when a named tool was called', () => {
    const condition = terminalTool(['transfer_to_human_agents']);
    expect(condition(view({ lastTurn: say('', [call('transfer_to_human_agents')]) }))).toBe('terminal_tool');
    expect(condition(view({ lastTurn: say('', [call('get_user_details')]) }))).toBeUndefined();
    expect(condition(view())).toBeUndefined();
  });

  it('toolErrorLimit and tokenBudget stop at their limits', () => {
    expect(toolErrorLimit(3)(view({ toolErrors: 2 }))).toBeUndefined();
    expect(toolErrorLimit(3)(view({ toolErrors: 3 }))).toBe('tool_error_limit');
    expect(completionTokens([turn(4), { messageIndex: 1 }, turn(5)])).toBe(9);
    expect(tokenBudget(10)(view({ turns: [turn(4), turn(5)] }))).toBeUndefined();
    expect(tokenBudget(10)(view({ turns: [turn(4), turn(6)] }))).toBe('token_budget');
  });

  it('anyOf gives the first reason in order', () => {
    const both = view({ toolErrors: 5, turns: [turn(1)] });
    expect(anyOf(maxTurns(1), toolErrorLimit(1))(both)).toBe('max_turns');
    expect(anyOf(toolErrorLimit(1), maxTurns(1))(both)).toBe('tool_error_limit');
    expect(anyOf()(both)).toBeUndefined();
    expect(DEFAULT_STOP(view({ turns: Array.from({ length: 30 }, () => turn(0)) }))).toBe('max_turns');
  });
});
