// Test support: a run directory shaped like the trainer's (config.json, metrics.jsonl, samples/),
// with hostile text in its conversations and config to test the report's escaping.

import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeTrajectoriesJsonl } from '../../../conversation/trajectory-jsonl.js';
import type { Trajectory } from '../../../conversation/trajectory.js';

/** Text that must never reach the page unescaped. */
export const HOSTILE = '<script>alert("pwned")</script><img src=https://evil.example/x.png>';

/** The metrics lines of the synthetic run: 3 logged steps, evaluations at steps 0 and 20. */
export const SYNTHETIC_METRICS = [
  { step: 0, 'eval/success_rate': 0.25, 'eval/reward/mean': 0.4, 'eval/turns/mean': 5 },
  {
    step: 1,
    'reward/mean': 0.3,
    'reward/task/mean': 0.2,
    'reward/format/mean': 0.9,
    'loss/policy': 0.5,
    'policy/kl': 0,
    time: '2025-01-01T00:00:00Z',
  },
  {
    step: 10,
    'reward/mean': 0.5,
    'reward/task/mean': 0.4,
    'reward/format/mean': 1,
    'loss/policy': 0.3,
    'policy/kl': 0.01,
  },
  {
    step: 20,
    'reward/mean': 0.7,
    'reward/task/mean': 0.6,
    'reward/format/mean': 1,
    'loss/policy': 0.2,
    'policy/kl': 0.02,
    'eval/success_rate': 0.75,
    'eval/reward/mean': 0.8,
    'eval/turns/mean': 4,
  },
];

/** A support conversation: the user asks, the agent calls a tool, reads its result and answers. */
export function sampleTrajectory(options: {
  readonly id: string;
  readonly groupId: string;
  readonly reward: number;
  readonly userText: string;
}): Trajectory {
  return {
    id: options.id,
    groupId: options.groupId,
    messages: [
      { role: 'system', content: 'You are a store support agent.' },
      { role: 'user', content: options.userText },
      {
        role: 'assistant',
        content: '',
        toolCalls: [{ id: 'call_0_0', name: 'get_order_details', arguments: { order_id: '#W0' } }],
      },
      { role: 'tool', toolCallId: 'call_0_0', name: 'get_order_details', content: `order #W0 ${HOSTILE}` },
      { role: 'assistant', content: 'Order #W0 is pending.' },
    ],
    turns: [
      { messageIndex: 2, reward: 0.25 },
      { messageIndex: 4, reward: 0.5 },
    ],
    reward: options.reward,
    rewardParts: { task: options.reward, format: 1 },
    metadata: {
      seed: 7,
      scenarioId: 'status-#W0',
      environment: 'support-lite',
      stopReason: 'user_stop',
      startedAt: '2025-01-01T00:00:00.000Z',
      durationMs: 12,
      toolErrors: 0,
    },
  };
}

/** Writes a synthetic run directory and returns its path; `metrics` null leaves metrics.jsonl out. */
export async function writeSyntheticRun(
  options: { readonly metrics?: readonly object[] | null } = {},
): Promise<string> {
  const runDir = await mkdtemp(join(tmpdir(), 'run-report-'));
  await writeFile(
    join(runDir, 'config.json'),
    JSON.stringify({ environment: 'support-lite', note: HOSTILE }),
  );
  const metrics = options.metrics === undefined ? SYNTHETIC_METRICS : options.metrics;
  if (metrics !== null) {
    await writeFile(
      join(runDir, 'metrics.jsonl'),
      metrics.map((line) => `${JSON.stringify(line)}\n`).join(''),
    );
  }
  await mkdir(join(runDir, 'samples'));
  await writeTrajectoriesJsonl({
    path: join(runDir, 'samples', 'step-10.jsonl'),
    trajectories: [sampleTrajectory({ id: 'old', groupId: 'g0', reward: 0, userText: 'from step ten' })],
  });
  await writeTrajectoriesJsonl({
    path: join(runDir, 'samples', 'step-20.jsonl'),
    trajectories: [
      sampleTrajectory({ id: 'a', groupId: 'g1', reward: 1, userText: `status of #W0? ${HOSTILE}` }),
      sampleTrajectory({ id: 'b', groupId: 'g1', reward: 0, userText: 'status of #W0 please' }),
    ],
  });
  return runDir;
}
