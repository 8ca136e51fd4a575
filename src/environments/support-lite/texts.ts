// The short templated texts of support-lite: the policy, the customer's phrasings, and the answers a
// correct agent gives. Short on purpose: a byte-level model of a few million parameters reads them.

import type { SupportLiteIntent, SupportLiteScenario } from './scenarios.js';

/** The system prompt. */
export const SUPPORT_LITE_POLICY =
  'You are a store support agent. Look up the order with get_order_details before you answer. ' +
  'Cancel only pending orders, with cancel_pending_order. Answer in one short sentence.';

/** Openings that name the order, by intent; `{id}` is the order id, `{reason}` the cancel reason. */
export const OPENINGS_WITH_ID: Readonly<Record<SupportLiteIntent, readonly string[]>> = {
  status: ['What is the status of order {id}?', 'Can you check the status of order {id}?'],
  items: ['What items are in order {id}?', 'Which items did I buy in order {id}?'],
  address: ['Which address is order {id} shipped to?', 'What is the shipping address of order {id}?'],
  cancel: ['Please cancel order {id}, {reason}.', 'I want to cancel order {id}: {reason}.'],
};

/** Openings that leave the order id out, so the agent must ask for it. */
export const OPENINGS_WITHOUT_ID: Readonly<Record<SupportLiteIntent, readonly string[]>> = {
  status: ['What is the status of my order?'],
  items: ['What items are in my order?'],
  address: ['Which address is my order shipped to?'],
  cancel: ['Please cancel my order, {reason}.'],
};

/** How the customer gives the order id when asked. */
export const ORDER_ID_REPLIES: readonly string[] = ['It is {value}.', '{value}', 'The order id is {value}.'];

/** What the agent asks when the order id is missing. */
export const ASK_ORDER_ID = 'What is your order id?';

/** How the customer closes the conversation after the agent's answer. */
export const CLOSINGS: readonly string[] = ['Thanks!', 'Great, thank you.', 'Ok, thanks.'];

/** The reason as the customer says it (after a comma). */
export function spokenReason(reason: string): string {
  return reason === 'no longer needed' ? 'I no longer need it' : 'I ordered it by mistake';
}

/** Fills `{id}` and `{reason}` in a customer phrasing. */
export function fillOpening(template: string, scenario: SupportLiteScenario): string {
  return template.replaceAll('{id}', scenario.orderId).replaceAll('{reason}', spokenReason(scenario.reason));
}

/** The answer a correct agent gives once it has what it needs. */
export function expertAnswer(scenario: SupportLiteScenario): string {
  const id = scenario.orderId;
  switch (scenario.intent) {
    case 'status':
      return `Order ${id} is ${scenario.status}.`;
    case 'items':
      return `Order ${id} has: ${scenario.itemNames.join(', ')}.`;
    case 'address':
      return `Order ${id} ships to ${scenario.address.address1}, ${scenario.address.city}.`;
    case 'cancel':
      return scenario.shouldCancel
        ? `Order ${id} is now cancelled.`
        : `Order ${id} is ${scenario.status} and cannot be cancelled.`;
  }
}

/**
 * What the agent says with its cancel_pending_order call: the status it read, then that it cancels.
 * Every turn after a lookup then starts alike, "Order #W1 is <status>", and what comes next is the
 * decision, made right after the status is said: "." answers a status question, ", cancelling it
 * now." goes with the call, " and cannot be cancelled." refuses.
 */
export function cancellingNote(orderId: string, status: string): string {
  return `Order ${orderId} is ${status}, cancelling it now.`;
}
