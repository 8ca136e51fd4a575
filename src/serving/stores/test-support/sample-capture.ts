// Captured conversations for trajectory store and export tests: a tool call, a tool result, and the
// token-level record of each assistant turn.

import type { Trajectory } from '../../../conversation/trajectory.js';
import type { CapturedConversation } from '../../trajectory-store.js';

/** Options of `sampleCapture`. */
export type SampleCaptureOptions = {
  readonly id: string;
  readonly environment?: string;
  /** Ratings given, oldest first; none by default. */
  readonly ratings?: readonly number[];
  /** The user left before the assistant said anything (nothing to train on). */
  readonly noReply?: boolean;
};

/** A support conversation: the assistant looks an order up with a tool, then answers. */
export function sampleCapture(options: SampleCaptureOptions): CapturedConversation {
  const opening: Trajectory['messages'] = [
    { role: 'system', content: 'You are a support agent.' },
    { role: 'user', content: `Where is order ${options.id}?` },
  ];
  const replies: Trajectory['messages'] = [
    {
      role: 'assistant',
      content: '',
      toolCalls: [{ id: 'call-1', name: 'get_order', arguments: { order_id: options.id } }],
    },
    { role: 'tool', toolCallId: 'call-1', name: 'get_order', content: '{"status":"processed"}' },
    { role: 'assistant', content: `Order ${options.id} ships today.` },
  ];
  const turns: Trajectory['turns'] = [
    { messageIndex: 2, tokens: { prompt: [1, 2, 3], completion: [4, 5], logprobs: [-0.25, -0] } },
    { messageIndex: 4, tokens: { prompt: [6], completion: [7, 8, 9], logprobs: [-1.5, -0.125, -3] } },
  ];
  const silent = options.noReply === true;
  return {
    trajectory: {
      id: options.id,
      messages: silent ? opening : [...opening, ...replies],
      turns: silent ? [] : turns,
      metadata: {
        seed: 0,
        scenarioId: 'live',
        environment: options.environment ?? 'retail',
        stopReason: 'user_stop',
        startedAt: '2025-01-01T00:00:00.000Z',
        durationMs: 1200,
        toolErrors: 0,
      },
    },
    feedback: (options.ratings ?? []).map((rating, index) => ({
      rating,
      at: `2025-01-01T00:0${index}:00.000Z`,
      ...(index === 0 ? { comment: 'thanks' } : {}),
    })),
    owner: 'key-1',
    capturedAt: '2025-01-01T00:10:00.000Z',
  };
}
