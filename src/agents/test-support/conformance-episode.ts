// Test support for the renderer conformance tests: teaches a tiny model a scripted tool-using
// conversation (supervised, on the renderer's own tokens), then plays an episode with a ToolAgent
// over a LocalPolicy against a scripted environment, recording every sampling call.

import { LocalTrainingBackend } from '../../backends/local-backend.js';
import type { ChatRenderer } from '../../conversation/chat-renderer.js';
import type { AssistantMessage, Message, ToolCall } from '../../conversation/messages.js';
import { sequenceToDatum } from '../../conversation/token-sequence.js';
import { tokenizeConversation } from '../../conversation/tokenize-conversation.js';
import type { ToolDefinition } from '../../conversation/tool-definition.js';
import type { Trajectory, TurnRecord } from '../../conversation/trajectory.js';
import { LanguageModel } from '../../models/language-model.js';
import type { SampledSequence, SamplingParams } from '../../models/sampler.js';
import { LocalPolicy } from '../local-policy.js';
import { ToolAgent } from '../tool-agent.js';

/** Supervised steps that make the tiny model reproduce the script near-deterministically. */
export const TEACHING_STEPS = 180;
const TEACHING_LEARNING_RATE = 3e-2;

/** The tools of the scripted support conversation. */
export const CONFORMANCE_TOOLS: readonly ToolDefinition[] = [
  { name: 'get_order', description: 'Find an order.', parameters: { type: 'object' } },
  { name: 'cancel_order', description: 'Cancel an order.', parameters: { type: 'object' } },
];

const OPENING: readonly Message[] = [
  { role: 'system', content: 'You are the Acme support agent.' },
  { role: 'user', content: 'Where is order A1?' },
];

/** The assistant turns the model is taught, in order (ids follow LocalPolicy's `call_<turn>_<index>`). */
export const SCRIPTED_REPLIES: readonly AssistantMessage[] = [
  {
    role: 'assistant',
    content: '',
    toolCalls: [{ id: 'call_0_0', name: 'get_order', arguments: { order_id: 'A1' } }],
  },
  { role: 'assistant', content: 'A1 has shipped.' },
  {
    role: 'assistant',
    content: 'Cancelling both.',
    toolCalls: [
      { id: 'call_2_0', name: 'cancel_order', arguments: { order_id: 'B2' } },
      { id: 'call_2_1', name: 'cancel_order', arguments: { order_id: 'C3' } },
    ],
  },
  { role: 'assistant', content: 'Both are cancelled.' },
];

/** The environment's side: what follows assistant turn `index` (tool results answer the calls made). */
function environmentReply(index: number, calls: readonly ToolCall[]): Message[] {
  const results = calls.map((call): Message => ({
    role: 'tool',
    toolCallId: call.id,
    name: call.name,
    content:
      call.name === 'get_order' ? '{"status": "shipped"}' : `cancelled ${String(call.arguments.order_id)}`,
  }));
  if (index === 1) return [{ role: 'user', content: 'Cancel B2 and C3.' }];
  return results;
}

/** One sampling call as the sampler saw it. */
export type SamplerCall = { readonly prompt: readonly number[]; readonly sampled: SampledSequence };

/** Everything a conformance test checks. */
export type ConformanceEpisode = {
  readonly trajectory: Trajectory;
  readonly calls: readonly SamplerCall[];
  /** The conversation as the policy saw it (system prompt composed). */
  readonly promptMessages: readonly Message[];
  /** Tools given natively to the renderer, if any. */
  readonly nativeTools?: readonly ToolDefinition[];
  readonly backend: LocalTrainingBackend;
  readonly model: LanguageModel;
};

/** Options of `playConformanceEpisode`. */
export type ConformanceOptions = {
  readonly renderer: ChatRenderer;
  /** Formats tools for the system prompt when the renderer has no native slot. */
  readonly formatTools?: (tools: readonly ToolDefinition[]) => string;
  readonly seed: number;
};

/** Teaches a fresh tiny model the script, then plays one episode at temperature 1. */
export async function playConformanceEpisode(options: ConformanceOptions): Promise<ConformanceEpisode> {
  const { renderer } = options;
  const model = new LanguageModel({
    config: {
      vocabSize: renderer.tokenizer.vocabSize,
      contextLength: 1024,
      width: 32,
      layers: 1,
      heads: 2,
      mlpWidth: 64,
    },
    seed: options.seed,
    threads: 1,
  });
  const backend = new LocalTrainingBackend({ model, seed: options.seed });
  const calls: SamplerCall[] = [];
  const recording = {
    sample: async (prompts: readonly (readonly number[])[], params: SamplingParams) => {
      const result = await backend.sample(prompts, params);
      calls.push({ prompt: [...prompts[0]], sampled: result[0] });
      return result;
    },
  };
  const policy = new LocalPolicy({
    backend: recording,
    renderer,
    sampling: { maxNewTokens: 224, temperature: 1 },
    contextLength: model.config.contextLength,
    seed: options.seed,
  });
  const agent = new ToolAgent({ policy, tools: CONFORMANCE_TOOLS, formatTools: options.formatTools });
  const nativeTools = agent.toolPrompt === 'native' ? CONFORMANCE_TOOLS : undefined;

  await teach(backend, renderer, agent.promptMessages(scriptedConversation()), nativeTools);

  const messages: Message[] = [...OPENING];
  const turns: TurnRecord[] = [];
  for (let index = 0; index < SCRIPTED_REPLIES.length; index++) {
    const turn = await agent.act({ messages });
    messages.push(turn.message);
    turns.push({ messageIndex: messages.length - 1, tokens: turn.tokens });
    if (index < SCRIPTED_REPLIES.length - 1)
      messages.push(...environmentReply(index, turn.message.toolCalls ?? []));
  }
  const trajectory: Trajectory = {
    id: 'conformance',
    messages,
    turns,
    metadata: {
      seed: options.seed,
      scenarioId: 'scripted-support',
      environment: 'scripted',
      stopReason: 'max_turns',
      startedAt: new Date(0).toISOString(),
      durationMs: 0,
      toolErrors: 0,
    },
  };
  return { trajectory, calls, promptMessages: agent.promptMessages(messages), nativeTools, backend, model };
}

/** The whole scripted conversation, as the environment would have it with the ideal replies. */
export function scriptedConversation(): Message[] {
  const messages: Message[] = [...OPENING];
  SCRIPTED_REPLIES.forEach((reply, index) => {
    messages.push(reply);
    if (index < SCRIPTED_REPLIES.length - 1) messages.push(...environmentReply(index, reply.toolCalls ?? []));
  });
  return messages;
}

/** Supervised steps on the renderer's teacher-forced tokens of `messages`, loss on the replies only. */
async function teach(
  backend: LocalTrainingBackend,
  renderer: ChatRenderer,
  messages: readonly Message[],
  tools: readonly ToolDefinition[] | undefined,
): Promise<void> {
  const datum = sequenceToDatum(tokenizeConversation({ renderer, messages, tools }));
  for (let step = 0; step < TEACHING_STEPS; step++) {
    await backend.forwardBackward([datum], 'cross_entropy');
    await backend.optimStep({ learningRate: TEACHING_LEARNING_RATE });
  }
}
