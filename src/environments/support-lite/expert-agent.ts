// A rule-based expert for support-lite that reads only the conversation (never the hidden state):
// ask for a missing order id, look the order up, cancel when asked and pending, then answer.
// It scores full marks, and its trajectories are demonstrations for a supervised warm start.

import type { Agent, AgentInput, AgentTurn } from '../../agents/agent.js';
import type { Message, ToolCall } from '../../conversation/messages.js';
import {
  CANCEL_REASONS,
  type CancelReason,
  type SupportLiteIntent,
  type SupportLiteScenario,
} from './scenarios.js';
import { ASK_ORDER_ID, cancellingNote, expertAnswer } from './texts.js';

const ORDER_ID = /#W\d+/;
const SUMMARY = /^order (#W\d+) \| status: (.+?) \| items: (.*) \| address: (.*), ([^,]*)$/;

/** Reads the customer's intent from their opening message. */
export function intentOf(text: string): SupportLiteIntent {
  const lower = text.toLowerCase();
  if (lower.includes('cancel')) return 'cancel';
  if (lower.includes('item')) return 'items';
  if (lower.includes('address')) return 'address';
  return 'status';
}

/** The expert policy: the next turn for a support-lite conversation. */
export function expertTurn(messages: readonly Message[]): AgentTurn {
  const userTexts = messages.filter((message) => message.role === 'user').map((message) => message.content);
  const opening = userTexts[0] ?? '';
  const intent = intentOf(opening);
  const orderId = userTexts.map((text) => ORDER_ID.exec(text)?.[0]).find((id) => id !== undefined);
  if (orderId === undefined) return text(ASK_ORDER_ID);

  const lookups = messages.filter(
    (message) => message.role === 'tool' && message.name === 'get_order_details' && !message.isError,
  );
  const summary = SUMMARY.exec(lookups.at(-1)?.content ?? '');
  if (summary === null) return tool(messages, 'get_order_details', { order_id: orderId });

  const [, id, status, items, address1, city] = summary;
  const reason: CancelReason = opening.includes('mistake') ? 'ordered by mistake' : CANCEL_REASONS[0];
  const cancelled = messages.some(
    (message) => message.role === 'tool' && message.name === 'cancel_pending_order' && !message.isError,
  );
  const shouldCancel = intent === 'cancel' && status === 'pending';
  if (shouldCancel && !cancelled) {
    return tool(messages, 'cancel_pending_order', { order_id: id, reason }, cancellingNote(id, status));
  }
  const scenario: SupportLiteScenario = {
    id: `${intent}:${id}`,
    intent,
    userId: '',
    orderId: id,
    status,
    itemNames: items.split(', '),
    address: { address1, city },
    reason,
    shouldCancel,
  };
  return text(expertAnswer(scenario));
}

/** An Agent playing `expertTurn`; stateless, so forks are trivial. */
export class SupportLiteExpert implements Agent {
  readonly name = 'support-lite-expert';

  async act(input: AgentInput): Promise<AgentTurn> {
    return expertTurn(input.messages);
  }

  fork(): SupportLiteExpert {
    return new SupportLiteExpert();
  }
}

function text(content: string): AgentTurn {
  return { message: { role: 'assistant', content } };
}

function tool(
  messages: readonly Message[],
  name: string,
  args: ToolCall['arguments'],
  content = '',
): AgentTurn {
  const id = `call_${messages.filter((message) => message.role === 'assistant').length}`;
  return { message: { role: 'assistant', content, toolCalls: [{ id, name, arguments: args }] } };
}
