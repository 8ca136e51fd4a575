// Finishing and capturing: a finished conversation reaches the trajectory store with its messages,
// token records, metadata and feedback; feedback after the finish is captured again; DELETE
// finishes, captures and removes; a failed capture is reported and healed by a retried DELETE; the
// active-conversation gauge and the capture counter follow.

import { afterEach, describe, expect, it } from 'vitest';
import type { ChatBackend, Completion, CompletionRequest } from '../chat-backend.js';
import { EchoBackend } from '../test-support/echo-backend.js';
import { ArrayTrajectoryStore } from './test-support/array-trajectory-store.js';
import { as, conversationServer, type ConversationServer } from './test-support/conversation-server.js';

let server: ConversationServer | undefined;
afterEach(async () => {
  await server?.app.close();
  server = undefined;
});

/** The echo backend with a token record on each turn: its characters' code points, logprob 0. */
class TokenEchoBackend implements ChatBackend {
  readonly modelId = 'token-echo';
  readonly #echo = new EchoBackend();
  readiness = () => this.#echo.readiness();
  close = () => this.#echo.close();
  async complete(request: CompletionRequest): Promise<Completion> {
    const completion = await this.#echo.complete(request);
    const generated = [...completion.message.content].map((character) => character.codePointAt(0) ?? 0);
    const last = request.messages.at(-1)?.content ?? '';
    const prompt = [...last].map((character) => character.codePointAt(0) ?? 0);
    return { ...completion, tokens: { prompt, completion: generated, logprobs: generated.map(() => 0) } };
  }
}

async function start(options: Parameters<typeof conversationServer>[0] = {}) {
  server = await conversationServer(options);
  const { app } = server;
  const create = async (environment = 'retail') => {
    const response = await app.inject({
      method: 'POST',
      url: '/v1/conversations',
      headers: as('alice'),
      payload: { environment, metadata: { channel: 'web' }, sampling: { seed: 5 } },
    });
    expect(response.statusCode, response.body).toBe(201);
    return response.json<{ id: string }>().id;
  };
  const say = (id: string, content: string) =>
    app.inject({
      method: 'POST',
      url: `/v1/conversations/${id}/messages`,
      headers: as('alice'),
      payload: { content },
    });
  const feedback = (id: string, payload: Record<string, unknown>) =>
    app.inject({ method: 'POST', url: `/v1/conversations/${id}/feedback`, headers: as('alice'), payload });
  const remove = (id: string) =>
    app.inject({ method: 'DELETE', url: `/v1/conversations/${id}`, headers: as('alice') });
  const gauge = async () => (await server!.deps.metrics.activeConversations.get()).values[0]?.value;
  const captures = async () => (await server!.deps.metrics.capturedConversations.get()).values[0]?.value;
  return {
    app,
    create,
    say,
    feedback,
    remove,
    gauge,
    captures,
    records: (server.trajectories as ArrayTrajectoryStore).records,
  };
}

describe('conversation capture', () => {
  it('captures a conversation a terminal tool finished, with token records, metadata and feedback', async () => {
    const { create, say, feedback, gauge, captures, records } = await start({
      backend: new TokenEchoBackend(),
    });
    const id = await create();
    expect(await gauge()).toBe(1);
    await say(id, 'hello');
    const transfer = await say(id, 'call transfer_to_human_agents {"summary":"wants a human"}');
    expect(transfer.json()).toMatchObject({ status: 'finished', captured: true });
    expect(await gauge()).toBe(0);
    expect(await captures()).toBe(1);
    expect(records).toHaveLength(1);
    const { trajectory, owner, feedback: given } = records[0];
    expect(owner).toBe('alice');
    expect(given).toEqual([]);
    expect(trajectory.id).toBe(id);
    const roles = trajectory.messages.map((message) => message.role);
    expect(roles).toEqual(['system', 'user', 'assistant', 'user', 'assistant', 'tool']);
    // One record per assistant message, pointing at it, with the backend's exact tokens.
    expect(trajectory.turns.map((turn) => turn.messageIndex)).toEqual([2, 4]);
    expect(trajectory.turns[0].tokens).toEqual({
      prompt: [...'hello'].map((character) => character.codePointAt(0)),
      completion: [...'olleh'].map((character) => character.codePointAt(0)),
      logprobs: [0, 0, 0, 0, 0],
    });
    expect(trajectory.metadata).toMatchObject({
      environment: 'retail',
      stopReason: 'terminal_tool',
      seed: 5,
      seeded: true,
      agent: 'token-echo',
      userTurns: 2,
      toolErrors: 0,
      clientMetadata: { channel: 'web' },
      traceIds: [expect.any(String), expect.any(String)],
    });
    expect(trajectory.metadata.durationMs).toBeGreaterThanOrEqual(0);

    // Feedback after the finish: stored, and the whole record captured again with it.
    const rated = await feedback(id, { stars: 5, comment: 'quick transfer' });
    expect(rated.statusCode).toBe(201);
    expect(rated.json()).toMatchObject({
      captured: true,
      feedback: { rating: 1, comment: 'quick transfer' },
    });
    expect(records).toHaveLength(2);
    expect(records[1].trajectory).toEqual(trajectory);
    expect(records[1].feedback).toMatchObject([{ rating: 1, comment: 'quick transfer' }]);
    expect(await captures()).toBe(1); // one conversation captured, twice recorded
  });

  it('keeps feedback given while active and captures it at the finish', async () => {
    const { create, say, feedback, records } = await start();
    const id = await create('none');
    await say(id, 'hello');
    const rated = await feedback(id, { rating: -0.5 });
    expect(rated.json()).toMatchObject({ captured: false, feedback: { rating: -0.5 } });
    expect(records).toHaveLength(0);
    const stars = await feedback(id, { stars: 2 });
    expect(stars.json().feedback.rating).toBe(-0.5);
    const read = await server!.app.inject({
      method: 'GET',
      url: `/v1/conversations/${id}`,
      headers: as('alice'),
    });
    expect(read.json().feedback).toHaveLength(2);
  });

  it('DELETE finishes (user_stop), captures and removes the conversation', async () => {
    const { app, create, say, feedback, remove, gauge, captures, records } = await start();
    const id = await create('none');
    await say(id, 'hello');
    await feedback(id, { rating: 1 });
    const removed = await remove(id);
    expect(removed.statusCode).toBe(200);
    expect(removed.json()).toEqual({ id, deleted: true, stopReason: 'user_stop' });
    expect(records).toHaveLength(1);
    expect(records[0].trajectory.metadata.stopReason).toBe('user_stop');
    expect(records[0].feedback).toMatchObject([{ rating: 1 }]);
    expect(await captures()).toBe(1);
    expect(await gauge()).toBe(0);
    const read = await app.inject({ method: 'GET', url: `/v1/conversations/${id}`, headers: as('alice') });
    expect(read.statusCode).toBe(404);
    expect((await feedback(id, { rating: 1 })).statusCode).toBe(404);
    expect((await remove(id)).statusCode).toBe(404);
  });

  it('DELETE of a finished conversation records its final state without counting it twice', async () => {
    const { create, say, remove, captures, records } = await start();
    const id = await create();
    await say(id, 'call transfer_to_human_agents {"summary":"x"}');
    expect((await remove(id)).json().stopReason).toBe('terminal_tool');
    expect(records.map((record) => record.trajectory.metadata.stopReason)).toEqual([
      'terminal_tool',
      'terminal_tool',
    ]);
    expect(await captures()).toBe(1);
  });

  it('reports a failed capture; a DELETE fails and keeps the conversation until the store is back', async () => {
    const trajectories = new ArrayTrajectoryStore();
    const { app, create, say, remove, captures, records } = await start({ trajectories });
    const id = await create();
    trajectories.failAppends = true;
    const finished = await say(id, 'call transfer_to_human_agents {"summary":"x"}');
    expect(finished.statusCode).toBe(200);
    expect(finished.json()).toMatchObject({ status: 'finished', captured: false });
    const failedDelete = await remove(id);
    expect(failedDelete.statusCode).toBe(503);
    expect(failedDelete.json().error.code).toBe('store_unavailable');
    const read = await app.inject({ method: 'GET', url: `/v1/conversations/${id}`, headers: as('alice') });
    expect(read.json().status).toBe('finished');

    trajectories.failAppends = false;
    expect((await remove(id)).statusCode).toBe(200);
    expect(records).toHaveLength(1);
    expect(records[0].trajectory.messages.at(-1)).toMatchObject({
      role: 'tool',
      name: 'transfer_to_human_agents',
    });
    expect(await captures()).toBe(0); // the capture of the finish failed; the DELETE's is a re-capture
    const logged = server!.logs().filter((line) => line.msg === 'capture failed; DELETE will capture it');
    expect(logged).toHaveLength(1);
  });

  it('refuses feedback beyond the configured number', async () => {
    const { create, feedback } = await start({ routes: { config: { maxFeedback: 2 } } });
    const id = await create('none');
    expect((await feedback(id, { rating: 1 })).statusCode).toBe(201);
    expect((await feedback(id, { rating: 0 })).statusCode).toBe(201);
    const third = await feedback(id, { rating: 1 });
    expect(third.statusCode).toBe(400);
    expect(third.json().error.message).toMatch(/at most 2 feedback/);
  });
});
