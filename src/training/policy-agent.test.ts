import { describe, expect, it } from 'vitest';
import { formatToolsPrompt } from '../agents/tool-prompt.js';
import { SUPPORT_LITE_TOOLS } from '../environments/support-lite/tools.js';
import { compactToolsPrompt } from './policy-agent.js';

describe('compactToolsPrompt', () => {
  it('lists each tool with its argument names and the call format, in far fewer bytes than Hermes', () => {
    const text = compactToolsPrompt(SUPPORT_LITE_TOOLS);
    expect(text).toContain(
      'get_order_details(order_id): Get the status, items and shipping address of an order.',
    );
    expect(text).toContain('cancel_pending_order(order_id, reason): ');
    expect(text).toContain(
      '<tool_call>\n{"name": <tool name>, "arguments": <arguments object>}\n</tool_call>',
    );
    expect(text.length * 3).toBeLessThan(formatToolsPrompt(SUPPORT_LITE_TOOLS).length);
  });
});
