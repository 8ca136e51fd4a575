// Conformance of token-exact multi-turn rendering, per chat format: a real tiny model plays a
// tool-using conversation, and the trajectory's token stream must be exactly what was sampled.

import { rm } from 'node:fs/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { ByteChatRenderer } from '../conversation/byte-chat-renderer.js';
import type { ChatRenderer } from '../conversation/chat-renderer.js';
import { HfTemplateRenderer } from '../conversation/hf-template-renderer.js';
import {
  QWEN_STYLE_TEMPLATE,
  writeQwenStyleTokenizerDir,
  ANCHOR_TOKENIZER_DIR,
} from '../conversation/test-support/qwen-style-template.js';
import { trajectorySequences, trajectoryToDatum } from '../conversation/trajectory-datum.js';
import type { ToolDefinition } from '../conversation/tool-definition.js';
import { ByteTokenizer } from '../models/tokenizers/byte-tokenizer.js';
import { loadHfTokenizer } from '../models/tokenizers/hf-tokenizer.js';
import {
  playConformanceEpisode,
  SCRIPTED_REPLIES,
  type ConformanceEpisode,
} from './test-support/conformance-episode.js';

/**
 * Largest difference between a sampling logprob (prefill + KV-cache decode) and the logprob of the
 * same token recomputed over the whole stream by the training graph, both float32 in ONNX Runtime.
 */
const RECOMPUTED_LOGPROB_TOLERANCE = 1e-4;

const compactTools = (tools: readonly ToolDefinition[]) =>
  `Tools: ${tools.map((tool) => tool.name).join(', ')}.`;

type Format = {
  readonly name: string;
  readonly setup: () => Promise<{ renderer: ChatRenderer; cleanup?: () => Promise<void> }>;
  readonly formatTools?: typeof compactTools;
};

const FORMATS: readonly Format[] = [
  {
    name: 'byte chat format',
    setup: async () => ({ renderer: new ByteChatRenderer({ tokenizer: new ByteTokenizer() }) }),
    formatTools: compactTools,
  },
  {
    name: 'HF Qwen-style template with native tools',
    setup: async () => {
      const dir = await writeQwenStyleTokenizerDir();
      const tokenizer = await loadHfTokenizer(dir);
      return {
        renderer: new HfTemplateRenderer({ tokenizer, chatTemplate: QWEN_STYLE_TEMPLATE }),
        cleanup: () => rm(dir, { recursive: true, force: true }),
      };
    },
  },
  {
    name: 'HF tiny Llama anchor template',
    setup: async () => ({
      renderer: new HfTemplateRenderer({ tokenizer: await loadHfTokenizer(ANCHOR_TOKENIZER_DIR) }),
    }),
    formatTools: compactTools,
  },
];

describe.each(FORMATS)('token-exact conversation through a LocalPolicy: $name', (format) => {
  let episode: ConformanceEpisode;
  let renderer: ChatRenderer;
  let cleanup: (() => Promise<void>) | undefined;
  afterAll(async () => {
    await episode?.model.dispose();
    await cleanup?.();
  });

  it('plays the scripted conversation, tool calls included', async () => {
    ({ renderer, cleanup } = await format.setup());
    episode = await playConformanceEpisode({ renderer, formatTools: format.formatTools, seed: 17 });
    const replies = episode.trajectory.turns.map((turn) => episode.trajectory.messages[turn.messageIndex]);
    expect(replies).toEqual(SCRIPTED_REPLIES);
    expect(episode.trajectory.messages.filter((message) => message.role === 'tool')).toHaveLength(3);
    expect(episode.calls).toHaveLength(SCRIPTED_REPLIES.length);
  });

  it('has one stream that is the last prompt plus its sample, with every prompt a prefix of it', () => {
    const sequences = trajectorySequences(episode.trajectory);
    expect(sequences).toHaveLength(1);
    const stream = sequences[0].tokens;
    const last = episode.calls[episode.calls.length - 1];
    expect(stream).toEqual([...last.prompt, ...last.sampled.tokens]);
    for (const call of episode.calls) {
      expect(stream.slice(0, call.prompt.length)).toEqual(call.prompt);
      expect(stream.slice(call.prompt.length, call.prompt.length + call.sampled.tokens.length)).toEqual(
        call.sampled.tokens,
      );
    }
  });

  it('masks exactly the sampled tokens and carries the sampler logprobs', () => {
    const [sequence] = trajectorySequences(episode.trajectory);
    const mask = sequence.tokens.map(() => 0);
    const logprobs = sequence.tokens.map(() => 0);
    for (const call of episode.calls) {
      call.sampled.tokens.forEach((_, i) => {
        mask[call.prompt.length + i] = 1;
        logprobs[call.prompt.length + i] = call.sampled.logprobs[i];
      });
    }
    expect(sequence.mask).toEqual(mask);
    expect(sequence.logprobs).toEqual(logprobs);
    const datum = trajectoryToDatum(episode.trajectory);
    expect(datum.modelInput).toEqual(sequence.tokens.slice(0, -1));
    expect(datum.lossFnInputs.weights).toEqual(mask.slice(1));
    expect(datum.lossFnInputs.logprobs).toEqual(logprobs.slice(1));
  });

  it('recomputes the sampling logprobs from the final stream', async () => {
    const [sequence] = trajectorySequences(episode.trajectory);
    const [recomputed] = await episode.backend.computeLogprobs([sequence.tokens]);
    let checked = 0;
    sequence.mask.forEach((masked, position) => {
      if (masked === 0) return;
      expect(Math.abs(recomputed[position - 1] - sequence.logprobs[position])).toBeLessThan(
        RECOMPUTED_LOGPROB_TOLERANCE,
      );
      checked++;
    });
    expect(checked).toBe(episode.calls.reduce((sum, call) => sum + call.sampled.tokens.length, 0));
  });

  it("decodes to the renderer's text of the conversation the policy saw", () => {
    const [sequence] = trajectorySequences(episode.trajectory);
    expect(renderer.tokenizer.decode(sequence.tokens)).toBe(
      renderer.renderText({ messages: episode.promptMessages, tools: episode.nativeTools }),
    );
  });
});
