// From production back to training: a conversation served by a real (tiny, random) checkpoint on the
// embedded engine is captured to the JSONL trajectory store, read back, and turned into training
// datums whose trained tokens are exactly what the model sampled, with the model's own logprobs.

import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trajectoryToDatums } from '../../src/conversation/trajectory-datum.js';
import { LanguageModel } from '../../src/models/language-model.js';
import { ByteTokenizer } from '../../src/models/tokenizers/byte-tokenizer.js';
import { LocalChatBackend } from '../../src/serving/backends/local-chat-backend.js';
import {
  as,
  conversationServer,
  type ConversationServer,
} from '../../src/serving/conversations/test-support/conversation-server.js';
import { JsonlTrajectoryStore } from '../../src/serving/stores/jsonl-trajectory-store.js';
import type { CapturedConversation } from '../../src/serving/trajectory-store.js';
import { tinyModelConfig } from '../../src/testing/index.js';

/** Sampling (incremental decode) and scoring (one full pass) agree to float32 rounding. */
const LOGPROB_TOLERANCE = 1e-3;

const tokenizer = new ByteTokenizer();
let model: LanguageModel;
let server: ConversationServer;
let path: string;

beforeAll(async () => {
  const config = tinyModelConfig({
    vocabSize: tokenizer.vocabSize,
    contextLength: 256,
    layers: 1,
    initStd: 0.5,
  });
  model = new LanguageModel({ config, seed: 11 });
  path = join(await mkdtemp(join(tmpdir(), 'served-capture-')), 'trajectories.jsonl');
  server = await conversationServer({
    backend: new LocalChatBackend({ source: { model }, modelId: 'tiny' }),
    trajectories: new JsonlTrajectoryStore({ path }),
  });
});

afterAll(async () => {
  await server?.app.close();
  await server?.backend?.close();
});

describe('a served conversation captured for training', () => {
  it('keeps the exact sampled tokens and logprobs of every model turn', async () => {
    const { app } = server;
    const created = await app.inject({
      method: 'POST',
      url: '/v1/conversations',
      headers: as('alice'),
      payload: {
        environment: 'none',
        system: 'Be brief.',
        sampling: { temperature: 1, maxTokens: 12, seed: 3 },
      },
    });
    const id = created.json<{ id: string }>().id;
    for (const content of ['hi', 'ok']) {
      const reply = await app.inject({
        method: 'POST',
        url: `/v1/conversations/${id}/messages`,
        headers: as('alice'),
        payload: { content },
      });
      expect(reply.statusCode, reply.body).toBe(200);
    }
    await app.inject({
      method: 'POST',
      url: `/v1/conversations/${id}/feedback`,
      headers: as('alice'),
      payload: { rating: 1 },
    });
    expect(
      (await app.inject({ method: 'DELETE', url: `/v1/conversations/${id}`, headers: as('alice') }))
        .statusCode,
    ).toBe(200);

    const records: CapturedConversation[] = [];
    for await (const record of new JsonlTrajectoryStore({ path }).read()) records.push(record);
    expect(records).toHaveLength(1);
    const { trajectory, feedback } = records[0];
    expect(feedback).toMatchObject([{ rating: 1 }]);
    expect(trajectory.metadata).toMatchObject({
      environment: 'none',
      stopReason: 'user_stop',
      agent: 'tiny',
    });
    expect(trajectory.turns).toHaveLength(2);

    const datums = trajectoryToDatums(trajectory, { advantages: 1 });
    expect(datums).toHaveLength(2); // the local backend renders each turn as a fresh token stream
    for (const [index, turn] of trajectory.turns.entries()) {
      const tokens = turn.tokens!;
      const assistant = trajectory.messages[turn.messageIndex];
      expect(assistant.role).toBe('assistant');
      // The prompt is the conversation up to this turn, rendered as the policy saw it.
      expect(tokenizer.decode(tokens.prompt)).toMatch(
        /^<\|system\|>Be brief\.<\|end\|><\|user\|>hi<\|end\|>/,
      );
      expect(tokenizer.decode(tokens.prompt).endsWith('<|assistant|>')).toBe(true);
      // Trained tokens (weight 1) are exactly the sampled completion.
      const datum = datums[index];
      const weights = datum.lossFnInputs.weights ?? [];
      const trained = datum.lossFnInputs.targetTokens.filter((_, position) => weights[position] === 1);
      expect(trained).toEqual(tokens.completion);
      expect(tokenizer.decode(tokens.completion).startsWith(assistant.content)).toBe(true);
      // The stored logprobs are the model's own for those tokens.
      const [scored] = await model.logprobs([[...tokens.prompt, ...tokens.completion]]);
      const recomputed = scored.slice(-tokens.completion.length);
      recomputed.forEach((logprob, position) =>
        expect(Math.abs(logprob - tokens.logprobs[position])).toBeLessThan(LOGPROB_TOLERANCE),
      );
    }
  });
});
