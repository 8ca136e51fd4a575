// `stateset-agents eval` against OpenAI-compatible endpoints on loopback HTTP: the agent, and the
// simulated retail user.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readTrajectoriesJsonl } from '../../conversation/trajectory-jsonl.js';
import {
  startChatCompletionsServer,
  type ChatCompletionsServer,
} from '../../testing/chat-completions-server.js';
import { cli, number, problems, row, temp, type Results } from './test-support/eval-cli.js';

/** An agent endpoint: it calls a retail tool first, and answers once it has seen the tool's result. */
function agentEndpoint(): Promise<ChatCompletionsServer> {
  return startChatCompletionsServer({
    fallback: ({ body }) =>
      body.messages.some((message) => message.role === 'tool')
        ? { kind: 'reply', content: 'Your request is complete.', usage: false }
        : {
            kind: 'reply',
            content: null,
            toolCalls: [
              { id: 'call_1', name: 'find_user_id_by_email', arguments: '{"email": "nobody@example.com"}' },
            ],
            usage: false,
          },
  });
}

/** A simulated-user endpoint: it asks for help, and stops once the agent says it is all done. */
function userEndpoint(): Promise<ChatCompletionsServer> {
  return startChatCompletionsServer({
    fallback: ({ body }) => {
      const last = body.messages.at(-1)?.content;
      const done = typeof last === 'string' && last.startsWith('All done');
      return { kind: 'reply', content: done ? '###STOP###' : 'I need help with my order.', usage: false };
    },
  });
}

describe('stateset-agents eval: endpoints over loopback HTTP', () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    close = undefined;
  });

  it('--agent openai runs a ToolAgent against the endpoint and reports the episodes', async () => {
    const server = await agentEndpoint();
    close = server.close;
    const dir = temp();
    const run = await cli(
      [
        'eval',
        ...['--agent', 'openai', '--base-url', server.baseURL, '--model', 'fixture-model', '--split', 'dev'],
        ...['--tasks', '2', '--trials', '2', '--max-turns', '4'],
        ...['--out', join(dir, 'results.json'), '--trajectories', join(dir, 'trajectories.jsonl')],
      ],
      { STATESET_API_KEY: 'sk-test-secret' },
    );
    expect(problems(run.stderr)).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^eval: tau-retail, agent openai:fixture-model, split dev/m);
    expect(row(run.stdout, 'episodes')).toBe('4');
    expect(number(run.stdout, 'pass^1')).toBe(0);
    expect(number(run.stdout, 'pass^2')).toBe(0);
    // the endpoint saw the policy, all 16 retail tools natively, the model and the key
    const first = server.requests[0].body;
    expect(first.model).toBe('fixture-model');
    expect(first.tools).toHaveLength(16);
    expect(first.messages[0].role).toBe('system');
    expect(
      server.requests.every((request) => request.headers.authorization === 'Bearer sk-test-secret'),
    ).toBe(true);
    // each episode made the tool call, got the tool's answer, then gave the final message
    const trajectories = await readTrajectoriesJsonl({ path: join(dir, 'trajectories.jsonl') });
    expect(trajectories).toHaveLength(4);
    for (const trajectory of trajectories) {
      const tool = trajectory.messages.find((message) => message.role === 'tool');
      expect(tool?.content).toBe('Error: user not found');
      expect(trajectory.messages.some((message) => message.content === 'Your request is complete.')).toBe(
        true,
      );
    }
    const saved = readFileSync(join(dir, 'results.json'), 'utf8');
    expect(saved).not.toMatch(/sk-test-secret/);
    expect((JSON.parse(saved) as Results).options.apiKey).toBe('***');
  });

  it('--user llm plays the retail user through the endpoint', async () => {
    const server = await userEndpoint();
    close = server.close;
    const run = await cli([
      'eval',
      ...['--split', 'dev', '--tasks', '3', '--user', 'llm', '--user-base-url', server.baseURL],
      ...['--user-model', 'user-model'],
    ]);
    expect(problems(run.stderr)).toBe('');
    expect(run.stdout).toMatch(/user llm: 3 tasks × 1 trial$/m);
    expect(number(run.stdout, 'pass^1')).toBe(1);
    expect(row(run.stdout, 'stop reasons')).toBe('user_stop 3');
    expect(server.requests[0].body.messages[0].content).toMatch(
      /^You are a user interacting with an agent\.\n\nInstruction: /,
    );
  });
});

/** A checkpoint of a freshly initialised byte-level model with this context. */
