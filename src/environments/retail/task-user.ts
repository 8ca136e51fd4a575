// A scripted stand-in for τ-bench's LLM user, built from a task: it tells the identity facts and
// order ids that its instruction states, admits the ones it does not, says yes to confirmations,
// and stops after the agent's final answer. For tests and offline runs; `LlmUser` is the real one.

import type { UserFact, UnknownFact, UserScenario } from '../users/scripted-user.js';
import type { RetailDatabase } from './retail-types.js';
import type { RetailTask } from './retail-tasks.js';

const ORDER_ID = /#W\d+/g;

/** The user scenario of a task, taking identity facts from the database only when the instruction states them. */
export function retailUserScenario(task: RetailTask, database: RetailDatabase): UserScenario {
  const instruction = task.instruction;
  const user = Object.hasOwn(database.users, task.userId) ? database.users[task.userId] : undefined;
  const mentions = (value: string) => instruction.toLowerCase().includes(value.toLowerCase());
  const known: UserFact[] = [];
  const unknown: UnknownFact[] = [];
  const fact = (name: string, value: string | undefined, askedBy: UserFact['askedBy'], replies: string[]) => {
    if (value !== undefined && mentions(value)) known.push({ name, value, askedBy, replies });
    else unknown.push({ name, askedBy });
  };

  const fullName = user === undefined ? undefined : `${user.name.first_name} ${user.name.last_name}`;
  fact('email', user?.email, ['email'], ['My email is {value}.', 'It is {value}.']);
  fact('name', fullName, [/\bname\b/i], ['My name is {value}.', "I'm {value}."]);
  fact('zip code', user?.address.zip, ['zip', 'postal code'], ['My zip code is {value}.', 'Zip: {value}.']);
  const orderIds = [...new Set(instruction.match(ORDER_ID) ?? [])];
  const ordersAsked = ['order id', 'order number', 'which order'];
  if (orderIds.length > 0) {
    known.push({
      name: 'order id',
      value: orderIds.join(' and '),
      askedBy: ordersAsked,
      replies: ['{value}'],
    });
  } else {
    unknown.push({ name: 'order id', askedBy: ordersAsked, replies: ["I don't remember the order id."] });
  }

  return {
    persona: instruction,
    goal: instruction,
    opening: ['Hi! I need some help with my orders.', 'Hello, I have a request about an order.'],
    knownFacts: known,
    unknownFacts: unknown,
    script: [
      {
        id: 'confirm',
        when: [/\b(confirm|proceed|go ahead)\b/i, /\byes\b.*\bno\b/i],
        unless: ['email', /\bname\b/i, 'zip', 'order id', 'order number'],
        replies: ['Yes, please go ahead.', 'Yes.'],
      },
    ],
    fallback: { replies: ['Thanks, that is all.', 'Great, thank you.'], stop: true },
  };
}
