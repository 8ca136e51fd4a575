import { beforeAll, describe, expect, it } from 'vitest';
import { findRetailTool, RETAIL_TOOLS } from './retail-tools.js';
import { retailDataForTests } from './test-support/retail-data-for-tests.js';
import type { RetailData } from './retail-types.js';

describe('RETAIL_TOOLS', () => {
  let data: RetailData;
  beforeAll(async () => {
    data = await retailDataForTests();
  });

  it("has τ-bench's 16 tools with the exact names, descriptions and parameters of tool_schemas.json", () => {
    const ours = RETAIL_TOOLS.map(({ name, description, parameters }) => ({
      type: 'function',
      function: { name, description, parameters },
    }));
    expect(ours).toEqual(data.toolSchemas);
    expect(JSON.stringify(ours)).toBe(JSON.stringify(data.toolSchemas)); // the same key order as well
  });

  it('finds a tool by name', () => {
    expect(findRetailTool('calculate')?.name).toBe('calculate');
    expect(findRetailTool('eval')).toBeUndefined();
  });

  it('accepts exactly the schema’s required arguments, and any string as a cancellation reason', () => {
    const cancel = findRetailTool('cancel_pending_order');
    expect(cancel?.arguments.safeParse({ order_id: '#W1', reason: 'other' }).success).toBe(true);
    expect(cancel?.arguments.safeParse({ order_id: '#W1' }).success).toBe(false);
    expect(cancel?.arguments.safeParse({ order_id: 1, reason: 'other' }).success).toBe(false);
    const modify = findRetailTool('modify_pending_order_items');
    expect(
      modify?.arguments.safeParse({
        order_id: '#W1',
        item_ids: [1],
        new_item_ids: [],
        payment_method_id: 'x',
      }).success,
    ).toBe(false);
  });
});
