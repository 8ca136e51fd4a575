import { describe, expect, it } from 'vitest';
import { LocalTrainingBackend } from '../backends/local-backend.js';
import { ByteChatRenderer } from '../conversation/byte-chat-renderer.js';
import type { TokenSequence } from '../conversation/token-sequence.js';
import type { Trajectory } from '../conversation/trajectory.js';
import { LanguageModel } from '../models/language-model.js';
import { ByteTokenizer } from '../models/tokenizers/byte-tokenizer.js';
import { tokenizeChatExamples } from './chat-dataset-tokens.js';
import { SftBatchStream, sftBatchDatums, trainedTokens } from './sft-batches.js';
import { sftLoss } from './sft-loss.js';
import { runSft, trajectorySftSequences, type SftStep } from './sft.js';

/** Agreement of the backend's float32 loss with the loss recomputed from logprobs. */
const LOSS_TOLERANCE = 1e-4;

const tokenizer = new ByteTokenizer();
const renderer = new ByteChatRenderer({ tokenizer });

/** A tiny byte-level model: big enough to memorise a few short replies in a few dozen steps. */
function tinyBackend(seed = 0): LocalTrainingBackend {
  const model = new LanguageModel({
    config: {
      vocabSize: tokenizer.vocabSize,
      width: 32,
      layers: 1,
      heads: 2,
      mlpWidth: 64,
      contextLength: 48,
    },
    seed,
    threads: 1,
  });
  return new LocalTrainingBackend({ model, seed });
}

const examples = ['red', 'green', 'blue', 'cyan'].map((colour) => ({
  messages: [
    { role: 'user' as const, content: `Say ${colour[0]}` },
    { role: 'assistant' as const, content: colour },
  ],
}));
const sequences = tokenizeChatExamples({ renderer, examples });

describe('supervised fine-tuning', () => {
  it('lowers the masked loss of its data on a tiny model', async () => {
    const backend = tinyBackend();
    const before = await sftLoss({ backend, sequences });
    const seen: SftStep[] = [];
    const result = await runSft({
      backend,
      sequences,
      steps: 40,
      batchSize: 2,
      learningRate: 1e-2,
      onStep: async (step) => {
        seen.push(step);
      },
    });
    const after = await sftLoss({ backend, sequences });
    expect(result.steps).toHaveLength(40);
    expect(seen).toEqual(result.steps);
    expect(after).toBeLessThan(before / 4);
    const first = result.steps[0];
    expect(first).toMatchObject({ step: 1, epoch: 1, tokens: expect.any(Number) });
    expect(first.trainedTokens).toBeGreaterThan(0);
    expect(first.tokensPerSecond).toBeGreaterThan(0);
    expect(result.steps.at(-1)?.epoch).toBe(20);
    expect(backend.stepCount).toBe(40);
  });

  it('reports the mean loss per trained token of the batch, as the logprobs give it', async () => {
    const backend = tinyBackend(1);
    const before = await sftLoss({ backend, sequences: sequences.slice(0, 4) });
    const result = await runSft({ backend, sequences, steps: 1, batchSize: 4, learningRate: 0 });
    expect(Math.abs(result.steps[0].loss - before)).toBeLessThan(LOSS_TOLERANCE);
    const datums = sftBatchDatums(sequences);
    const weightSum = datums.flatMap((datum) => datum.lossFnInputs.weights ?? []).reduce((a, b) => a + b, 0);
    expect(weightSum).toBeCloseTo(1, 12);
  });

  it('sizes the schedule in epochs, rounding up to whole batches', async () => {
    const result = await runSft({
      backend: tinyBackend(),
      sequences,
      epochs: 2,
      batchSize: 3,
      learningRate: 1e-3,
    });
    expect(result.plannedSteps).toBe(3);
    expect(result.steps).toHaveLength(3);
  });

  it('stops early on its time budget and when aborted, keeping the planned schedule', async () => {
    const timed = await runSft({ backend: tinyBackend(), sequences, steps: 50, maxSeconds: 0 });
    expect(timed.steps).toHaveLength(1);
    expect(timed.plannedSteps).toBe(50);
    const controller = new AbortController();
    const aborted = await runSft({
      backend: tinyBackend(),
      sequences,
      steps: 50,
      signal: controller.signal,
      onStep: (step) => {
        if (step.step === 2) controller.abort();
      },
    });
    expect(aborted.steps).toHaveLength(2);
  });

  it('with only a time budget, takes the steps that fit and plans the schedule over them', async () => {
    const result = await runSft({ backend: tinyBackend(), sequences, maxSeconds: 0.3, batchSize: 2 });
    expect(result.steps.length).toBeGreaterThan(2);
    expect(result.plannedSteps).toBe(result.steps.length);
    expect(result.seconds).toBeGreaterThanOrEqual(0.3 - 0.05);
  });

  it('skips sequences with nothing to train on, and refuses data it cannot use', async () => {
    const untrained: TokenSequence = { ...sequences[0], mask: sequences[0].mask.map(() => 0) };
    const result = await runSft({ backend: tinyBackend(), sequences: [untrained, sequences[1]], steps: 1 });
    expect(result.skippedSequences).toBe(1);
    const backend = tinyBackend();
    await expect(runSft({ backend, sequences: [untrained], steps: 1 })).rejects.toThrow(
      /No sequence has a token/,
    );
    await expect(runSft({ backend, sequences: [], steps: 1 })).rejects.toThrow(/at least one sequence/);
    await expect(runSft({ backend, sequences, steps: 1, maxSequenceTokens: 10 })).rejects.toMatchObject({
      code: 'sequence_too_long',
      message: expect.stringMatching(/^sequence 0 has \d+ tokens; the model takes at most 10/),
    });
    await expect(runSft({ backend, sequences, steps: 0 })).rejects.toThrow(/at least one step/);
    await expect(runSft({ backend, sequences, batchSize: 0 })).rejects.toThrow(/batchSize/);
    expect(() => sftBatchDatums([untrained])).toThrow(/no assistant tokens/);
  });

  it('shuffles every epoch with its seed and keeps every batch full', () => {
    const stream = new SftBatchStream(5, 2, 7);
    const batches = Array.from({ length: 5 }, () => stream.next());
    expect(batches.every((batch) => batch.length === 2)).toBe(true);
    expect(batches.flat().sort()).toEqual([0, 0, 1, 1, 2, 2, 3, 3, 4, 4]);
    expect(stream.epoch).toBe(2);
    const again = new SftBatchStream(5, 2, 7);
    expect(Array.from({ length: 5 }, () => again.next())).toEqual(batches);
    const other = new SftBatchStream(5, 2, 8);
    expect(Array.from({ length: 5 }, () => other.next())).not.toEqual(batches);
    expect(new SftBatchStream(3, 10, 0).next()).toHaveLength(3);
  });

  it('trains on trajectories by their exact tokens, with mask 1 on policy tokens only', () => {
    const trajectory: Trajectory = {
      id: 'rollout',
      messages: [
        { role: 'user', content: 'q' },
        { role: 'assistant', content: 'a' },
        { role: 'user', content: 'r' },
        { role: 'assistant', content: 'b' },
      ],
      turns: [
        { messageIndex: 1, tokens: { prompt: [1, 2], completion: [3, 4], logprobs: [-1, -1] } },
        { messageIndex: 3, tokens: { prompt: [5], completion: [6], logprobs: [-1] } },
      ],
      metadata: {
        seed: 0,
        scenarioId: 's',
        environment: 'e',
        stopReason: 'user_stop',
        startedAt: '2025-01-01T00:00:00.000Z',
        durationMs: 1,
        toolErrors: 0,
      },
    };
    const [sequence] = trajectorySftSequences([trajectory]);
    expect(sequence.tokens).toEqual([1, 2, 3, 4, 5, 6]);
    expect(sequence.mask).toEqual([0, 0, 1, 1, 0, 1]);
    expect(trainedTokens(sequence)).toBe(3);
    const textOnly: Trajectory = { ...trajectory, turns: [{ messageIndex: 1 }, { messageIndex: 3 }] };
    expect(() => trajectorySftSequences([textOnly])).toThrow(/no token-level turns/);
  });
});
