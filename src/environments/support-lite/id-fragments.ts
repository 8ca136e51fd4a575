// Copy-curriculum data for support-lite warm starts: teacher conversations without their system
// prompt, every order id replaced by a fresh random one, so that the only way to predict an id is to
// copy it from earlier in the conversation (the induction-head behaviour of Olsson et al. 2022).

import type { Message } from '../../conversation/messages.js';
import type { Rng } from '../../engine/random.js';

/** How an order id looks in support-lite: `#W` and seven digits. */
export const ORDER_ID_PATTERN = /#W\d{7}/g;

/** Options of `idFragment`. */
export type IdFragmentOptions = {
  /** A conversation (a teacher demonstration's messages). */
  readonly messages: readonly Message[];
  /** Draws the new ids. */
  readonly rng: Rng;
  /** Ids never to draw (the database's real orders, so no fragment names a real, held-out order). */
  readonly exclude: ReadonlySet<string>;
};

/**
 * The conversation without system messages, each distinct order id (in text, tool arguments and
 * tool results alike) consistently replaced by a fresh `#W` id drawn uniformly from the ones not
 * excluded. The structure, the facts and any teacher mistake stay as they were.
 */
export function idFragment(options: IdFragmentOptions): Message[] {
  const fresh = new Map<string, string>();
  const replace = (id: string): string => {
    let next = fresh.get(id);
    while (next === undefined || options.exclude.has(next)) {
      next = `#W${String(options.rng.int(10_000_000)).padStart(7, '0')}`;
    }
    fresh.set(id, next);
    return next;
  };
  const turns = options.messages.filter((message) => message.role !== 'system');
  // Messages are plain JSON data (text, tool calls with JSON arguments), so a JSON round trip is exact.
  return JSON.parse(JSON.stringify(turns).replace(ORDER_ID_PATTERN, replace)) as Message[];
}
