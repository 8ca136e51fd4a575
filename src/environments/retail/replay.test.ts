import { describe, expect, it } from 'vitest';
import { StatesetError } from '../../errors.js';
import { databaseHash } from './database-hash.js';
import { parseReplayActions, replayActions } from './replay.js';
import { retailFixture } from './test-support/retail-fixture.js';

describe('replayActions', () => {
  it('runs the actions in order and hashes the end state', () => {
    const database = retailFixture();
    const result = replayActions(database, [
      { name: 'find_user_id_by_email', kwargs: { email: 'ada@example.com' } },
      { name: 'cancel_pending_order', kwargs: { order_id: '#W2', reason: 'no longer needed' } },
      { name: 'cancel_pending_order', kwargs: { order_id: '#W2', reason: 'no longer needed' } },
      { name: 'calculate', kwargs: { expression: '70 - 20' } },
    ]);
    expect(result.outputs[0]).toBe('ada_lovelace_1');
    expect(JSON.parse(result.outputs[1])).toMatchObject({ status: 'cancelled' });
    expect(result.outputs.slice(2)).toEqual(['Error: non-pending order cannot be cancelled', '50.0']);
    expect(result.dbHash).toBe(databaseHash(database));
    expect(result.dbHash).not.toBe(databaseHash(retailFixture()));
  });

  it('answers arguments the schema rejects with an error output, as a tool error', () => {
    const database = retailFixture();
    const { outputs, dbHash } = replayActions(database, [
      { name: 'cancel_pending_order', kwargs: { order_id: '#W1' } },
      { name: 'get_user_details', kwargs: { user_id: 'bob_smith_2', extra: true } },
    ]);
    expect(outputs[0]).toMatch(/^Error: invalid arguments for cancel_pending_order: argument "reason": /);
    expect(outputs[1]).toMatch(/^Error: invalid arguments for get_user_details: arguments: /);
    expect(dbHash).toBe(databaseHash(retailFixture()));
  });

  it('throws unknown_tool for a name that is no tool, before running anything', () => {
    const database = retailFixture();
    const replay = () =>
      replayActions(database, [
        { name: 'cancel_pending_order', kwargs: { order_id: '#W1', reason: 'no longer needed' } },
        { name: 'refund_everything', kwargs: {} },
      ]);
    expect(replay).toThrow(StatesetError);
    expect(replay).toThrow(/actions\[1\]: unknown tool "refund_everything"; the tools are calculate, /);
    try {
      replay();
    } catch (error) {
      expect((error as StatesetError).code).toBe('unknown_tool');
    }
    expect(database).toEqual(retailFixture());
  });

  it('uses the hash function it is given', () => {
    expect(replayActions(retailFixture(), [], { hash: () => 'h' })).toEqual({ outputs: [], dbHash: 'h' });
  });
});

describe('parseReplayActions', () => {
  it('accepts a list of { name, kwargs }, whatever the names (replayActions checks them)', () => {
    const actions = [
      { name: 'think', kwargs: { thought: 'x' } },
      { name: 'sudo', kwargs: {} },
    ];
    expect(parseReplayActions(actions)).toEqual({ ok: true, value: actions });
  });

  it.each([
    [{ name: 'think' }, /^the actions: /],
    [[{ kwargs: {} }], /^actions\[0\]\.name: /],
    [
      [
        { name: 'think', kwargs: {} },
        { name: 'think', kwargs: [] },
      ],
      /^actions\[1\]\.kwargs: /,
    ],
  ])('refuses %j with a message naming the entry', (value, message) => {
    const parsed = parseReplayActions(value);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toMatch(message);
  });
});
