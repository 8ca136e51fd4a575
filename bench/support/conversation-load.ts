// Drives whole conversations through the conversation routes from `concurrency` clients in a closed
// loop: create with the first user message, the remaining messages one turn at a time, then DELETE
// (which finishes and captures it) unless asked to keep them. A non-2xx reply or a degraded (fallback) turn is an error.

import { ErrorTally, requestJson, type TimedResponse } from './http-client.js';

/** Options of `driveConversations`. */
export type ConversationLoadOptions = {
  readonly baseUrl: string;
  readonly apiKey: string;
  /** `support-lite`, `retail` or `none`. */
  readonly environment: string;
  /** The user's messages, in order; one turn each. */
  readonly userMessages: readonly string[];
  readonly maxTokens: number;
  /** Conversations to complete in all. */
  readonly conversations: number;
  readonly concurrency: number;
  /** Leave the conversations in the store instead of deleting them (their ids are returned). */
  readonly keep?: boolean;
};

/** What the clients got done, and what failed. */
export type ConversationLoad = {
  readonly conversations: number;
  readonly turns: number;
  /** Assistant messages (model calls) over all turns. */
  readonly modelCalls: number;
  readonly completionTokens: number;
  readonly turnLatenciesMs: number[];
  readonly errors: ErrorTally;
  readonly seconds: number;
  /** Ids of the conversations left in the store (with `keep`). */
  readonly keptIds: string[];
};

type TurnBody = {
  turn?: TurnBody;
  id?: string;
  status?: string;
  degraded?: boolean;
  messages?: { role: string }[];
  usage?: { completionTokens?: number };
};

/** Runs `conversations` conversations; a failed request ends its conversation (counted in errors). */
export async function driveConversations(options: ConversationLoadOptions): Promise<ConversationLoad> {
  const { baseUrl, apiKey } = options;
  const tally = { conversations: 0, turns: 0, modelCalls: 0, completionTokens: 0 };
  const turnLatenciesMs: number[] = [];
  const errors = new ErrorTally();
  const keptIds: string[] = [];
  const checked = (response: TimedResponse, expected: number, what: string): TurnBody | undefined => {
    const body = response.body as TurnBody;
    if (response.status !== expected) errors.add(`${what}: http ${response.status}`, response.body);
    else if ((body.turn ?? body).degraded === true) errors.add(`${what}: degraded`, response.body);
    else return body;
    return undefined;
  };
  const countTurn = (response: TimedResponse, turn: TurnBody) => {
    tally.turns++;
    turnLatenciesMs.push(response.ms);
    tally.modelCalls += (turn.messages ?? []).filter((message) => message.role === 'assistant').length;
    tally.completionTokens += turn.usage?.completionTokens ?? 0;
  };
  const conversation = async (): Promise<void> => {
    const [first, ...rest] = options.userMessages;
    const created = await requestJson({
      method: 'POST',
      url: `${baseUrl}/v1/conversations`,
      apiKey,
      body: {
        environment: options.environment,
        sampling: { maxTokens: options.maxTokens, temperature: 0 },
        message: first,
      },
    });
    const body = checked(created, 201, 'create');
    if (body?.turn === undefined || body.id === undefined) return;
    countTurn(created, body.turn);
    let status = body.status;
    for (const content of rest) {
      if (status !== 'active') break; // a terminal tool finished it
      const response = await requestJson({
        method: 'POST',
        url: `${baseUrl}/v1/conversations/${body.id}/messages`,
        apiKey,
        body: { content },
      });
      const turn = checked(response, 200, 'message');
      if (turn === undefined) return;
      countTurn(response, turn);
      status = turn.status;
    }
    if (options.keep === true) {
      keptIds.push(body.id);
      tally.conversations++;
      return;
    }
    const deleted = await requestJson({
      method: 'DELETE',
      url: `${baseUrl}/v1/conversations/${body.id}`,
      apiKey,
    });
    if (checked(deleted, 200, 'delete') !== undefined) tally.conversations++;
  };
  let remaining = options.conversations;
  const started = performance.now();
  const client = async () => {
    while (remaining > 0) {
      remaining--;
      await conversation().catch((error: unknown) =>
        errors.add(`network: ${error instanceof Error ? error.message : String(error)}`, ''),
      );
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, client));
  return { ...tally, turnLatenciesMs, errors, keptIds, seconds: (performance.now() - started) / 1000 };
}
