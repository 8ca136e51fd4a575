// The supervised term of an RL update: which conversations a step draws, how they are weighed, and
// the errors on a file the model cannot train on.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ByteChatRenderer } from '../conversation/byte-chat-renderer.js';
import type { TokenSequence } from '../conversation/token-sequence.js';
import { ByteTokenizer } from '../models/tokenizers/byte-tokenizer.js';
import { formatToolsPrompt } from '../agents/tool-prompt.js';
import { loadSupervisedSequences, supervisedDatums } from './supervised-term.js';

const renderer = new ByteChatRenderer({ tokenizer: new ByteTokenizer() });
const TOOL = {
  name: 'get_order_details',
  description: 'Look an order up.',
  parameters: { type: 'object', properties: { order_id: { type: 'string' } }, required: ['order_id'] },
};

/** A sequence whose first token tells it apart, with `trained` assistant tokens. */
function sequence(id: number, trained: number): TokenSequence {
  const length = trained + 2;
  return {
    tokens: Array.from({ length }, (_, index) => (index === 0 ? id : 65)),
    logprobs: Array.from({ length }, () => 0),
    mask: Array.from({ length }, (_, index) => (index >= 2 ? 1 : 0)),
    turnIndex: Array.from({ length }, () => 0),
  };
}

describe('supervisedDatums', () => {
  const sequences = [sequence(1, 3), sequence(2, 5), sequence(3, 7), sequence(4, 9)];
  const draw = (step: number, seed = 0) =>
    supervisedDatums({ sequences, seed, step, batchSize: 6, coefficient: 0.5 }).map(
      (datum) => datum.modelInput[0],
    );

  it('draws the same batch for the same seed and step, so a resumed run trains on it again', () => {
    expect(draw(3)).toEqual(draw(3));
    expect(draw(3)).toHaveLength(6);
    // Other steps and seeds draw other batches.
    const batches = new Set([1, 2, 3, 4, 5].map((step) => draw(step).join()));
    expect(batches.size).toBeGreaterThan(1);
    expect(draw(3, 1).join()).not.toBe(draw(3).join());
  });

  it('weighs every trained token γ / N, so the summed loss is γ times the mean NLL per token', () => {
    const datums = supervisedDatums({ sequences, seed: 0, step: 1, batchSize: 6, coefficient: 0.5 });
    const weights = datums.flatMap((datum) => datum.lossFnInputs.weights ?? []);
    expect(weights.reduce((sum, weight) => sum + weight, 0)).toBeCloseTo(0.5, 12);
    const positive = weights.filter((weight) => weight > 0);
    for (const weight of positive) expect(weight).toBeCloseTo(0.5 / positive.length, 12);
  });
});

describe('loadSupervisedSequences', () => {
  const dir = mkdtempSync(join(tmpdir(), 'supervised-term-'));
  const write = (name: string, lines: readonly object[]) => {
    const path = join(dir, name);
    writeFileSync(path, lines.map((line) => JSON.stringify(line)).join('\n') + '\n');
    return path;
  };
  const answer = (content: string) => ({
    messages: [
      { role: 'user', content: 'Where is order #W1?' },
      { role: 'assistant', content },
    ],
  });
  const load = (path: string, maxTokens = 4096) =>
    loadSupervisedSequences({ path, renderer, tools: [TOOL], formatTools: formatToolsPrompt, maxTokens });

  it('renders conversations that name no tools with the environment tools, as the policy sees its own', async () => {
    const [withTools] = await load(write('ok.jsonl', [answer('It ships to Austin.')]));
    const text = new ByteTokenizer().decode(withTools.tokens);
    expect(text).toContain('get_order_details');
    expect(text).toContain('It ships to Austin.');
  });

  it('names the file and line of a conversation longer than the model takes', async () => {
    const path = write('long.jsonl', [answer('short'), answer('x'.repeat(600))]);
    // The first fits in 800 tokens with the tools prompt; the second does not.
    await expect(load(path, 800)).rejects.toThrow(
      new RegExp(
        `${path}:2: the conversation has \\d+ tokens, the model takes at most 800 \\(context \\+ 1\\)`,
      ),
    );
  });

  it('names the file and line of a conversation with nothing to train on', async () => {
    const path = write('empty.jsonl', [answer('fine'), { messages: [{ role: 'user', content: 'hi' }] }]);
    await expect(load(path)).rejects.toThrow(
      `${path}:2: messages: the conversation has no assistant message`,
    );
  });

  it('names the line that is not chat JSONL', async () => {
    const path = join(dir, 'broken.jsonl');
    writeFileSync(path, `${JSON.stringify(answer('ok'))}\n{"messages": 3}\n`);
    await expect(load(path)).rejects.toThrow(`${path}:2:`);
  });
});
