import { describe, expect, it } from 'vitest';
import { callTool, retailFixture } from '../test-support/retail-fixture.js';
import { calculate, think, transferToHumanAgents } from './generic-tools.js';

describe('generic tools', () => {
  it('calculate answers the rounded value, or an error outcome with the original text', () => {
    expect(callTool(calculate, retailFixture(), { expression: '2 + 2' })).toEqual({
      ok: true,
      content: '4.0',
    });
    expect(callTool(calculate, retailFixture(), { expression: '3131.1 + 4777.75 + 367.38' })).toEqual({
      ok: true,
      content: '8276.23',
    });
    expect(callTool(calculate, retailFixture(), { expression: '1/0' })).toEqual({
      ok: false,
      error: 'Error: division by zero',
    });
    expect(calculate.arguments.safeParse({ expression: 4 }).success).toBe(false);
  });

  it('think returns nothing and changes nothing', () => {
    const database = retailFixture();
    expect(callTool(think, database, { thought: 'hmm' })).toEqual({ ok: true, content: '' });
    expect(database).toEqual(retailFixture());
  });

  it('transfer_to_human_agents answers Transfer successful', () => {
    expect(callTool(transferToHumanAgents, retailFixture(), { summary: 'wants a human' })).toEqual({
      ok: true,
      content: 'Transfer successful',
    });
  });
});
