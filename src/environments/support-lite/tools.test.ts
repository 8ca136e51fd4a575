import { beforeAll, describe, expect, it } from 'vitest';
import { runToolCall } from '../run-tool-call.js';
import type { RetailDatabase } from '../retail/retail-types.js';
import { freshWorld, orderOf, orderSummary, SUPPORT_LITE_TOOLS } from './tools.js';
import { retailDataForTests } from '../test-support/retail-test-data.js';

let database: RetailDatabase;
beforeAll(async () => {
  database = (await retailDataForTests()).database;
});

const run = (world: ReturnType<typeof freshWorld>, name: string, args: Record<string, unknown>) =>
  runToolCall({ tools: SUPPORT_LITE_TOOLS, call: { id: 'c', name, arguments: args }, state: world });

describe('support-lite tools', () => {
  it('summarises an order on one short line', async () => {
    const result = await run(freshWorld(database), 'get_order_details', { order_id: '#W5442520' });
    expect(result.message.content).toBe(
      'order #W5442520 | status: pending | items: Gaming Mouse, Patio Umbrella, Hiking Boots | address: 570 Elm Avenue, Denver',
    );
    expect(orderSummary(database.orders['#W5442520'])).toBe(result.message.content);
  });

  it('cancels a pending order on the episode copy only, refunding each payment', async () => {
    const world = freshWorld(database);
    const result = await run(world, 'cancel_pending_order', {
      order_id: '#W5442520',
      reason: 'no longer needed',
    });
    expect(result.message.content).toBe('order #W5442520 | status: cancelled');
    const order = orderOf(world, '#W5442520');
    expect(order).toMatchObject({ status: 'cancelled', cancel_reason: 'no longer needed' });
    expect(order?.payment_history.at(-1)).toEqual({
      transaction_type: 'refund',
      amount: 663.85,
      payment_method_id: 'credit_card_9753331',
    });
    expect(database.orders['#W5442520'].status).toBe('pending');
    expect(orderOf(freshWorld(database), '#W5442520')?.status).toBe('pending');
    const again = await run(world, 'cancel_pending_order', {
      order_id: '#W5442520',
      reason: 'no longer needed',
    });
    expect(again.message).toMatchObject({
      content: 'Error: non-pending order cannot be cancelled',
      isError: true,
    });
  });

  it('credits a gift card refund to the episode copy of the user', async () => {
    const order = Object.values(database.orders).find(
      (candidate) =>
        candidate.status === 'pending' &&
        candidate.payment_history.some((payment) => payment.payment_method_id.includes('gift_card')),
    );
    expect(order).toBeDefined();
    if (order === undefined) return;
    const world = freshWorld(database);
    const cardId = order.payment_history[0].payment_method_id;
    const before = database.users[order.user_id].payment_methods[cardId];
    await run(world, 'cancel_pending_order', { order_id: order.order_id, reason: 'ordered by mistake' });
    const after = world.users.get(order.user_id)?.payment_methods[cardId];
    expect(before.source === 'gift_card' && after?.source === 'gift_card').toBe(true);
    if (before.source !== 'gift_card' || after?.source !== 'gift_card') return;
    expect(after.balance).toBeCloseTo(before.balance + order.payment_history[0].amount, 2);
  });

  it("answers τ-bench's errors: unknown order, non-pending order, invalid reason, bad arguments", async () => {
    const world = freshWorld(database);
    const delivered = Object.values(database.orders).find((order) => order.status === 'delivered')?.order_id;
    expect((await run(world, 'get_order_details', { order_id: '#W0' })).message.content).toBe(
      'Error: order not found',
    );
    expect(
      (await run(world, 'cancel_pending_order', { order_id: delivered, reason: 'no longer needed' })).message
        .content,
    ).toBe('Error: non-pending order cannot be cancelled');
    expect(
      (await run(world, 'cancel_pending_order', { order_id: '#W5442520', reason: 'meh' })).message.content,
    ).toBe('Error: invalid reason');
    const missing = await run(world, 'cancel_pending_order', { order_id: '#W5442520' });
    expect(missing.error).toBe('invalid_arguments');
    expect(missing.message.content).toContain('argument "reason"');
    expect(world.orders.size).toBe(0);
  });
});
