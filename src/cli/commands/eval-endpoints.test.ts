// `stateset-agents eval` against OpenAI-compatible endpoints on loopback HTTP: the agent, and the
// simulated retail user.

import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readTrajectoriesJsonl } from '../../conversation/trajectory-jsonl.js';
import { cli, number, problems, row, temp, type Results } from './test-support/eval-cli.js';

async function startAgentServer(): Promise<{
  baseURL: string;
  requests: Record<string, unknown>[];
  authorizations: string[];
  close(): Promise<void>;
}> {
  const requests: Record<string, unknown>[] = [];
  const authorizations: string[] = [];
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    let text = '';
    request.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    request.on('end', () => {
      const body = JSON.parse(text) as { messages: { role: string }[] };
      requests.push(body);
      authorizations.push(request.headers.authorization ?? '');
      const called = body.messages.some((message) => message.role === 'tool');
      const message = called
        ? { role: 'assistant', content: 'Your request is complete.' }
        : {
            role: 'assistant',
            content: null,
            tool_calls: [
              {
                id: 'call_1',
                type: 'function',
                function: { name: 'find_user_id_by_email', arguments: '{"email": "nobody@example.com"}' },
              },
            ],
          };
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({
          id: `chatcmpl-${requests.length}`,
          object: 'chat.completion',
          created: 0,
          model: 'fixture',
          choices: [{ index: 0, message, finish_reason: called ? 'stop' : 'tool_calls' }],
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    authorizations,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('stateset-agents eval: endpoints over loopback HTTP', () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    close = undefined;
  });

  it('--agent openai runs a ToolAgent against the endpoint and reports the episodes', async () => {
    const server = await startAgentServer();
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
    const first = server.requests[0] as {
      model: string;
      tools: unknown[];
      messages: { role: string; content: string }[];
    };
    expect(first.model).toBe('fixture-model');
    expect(first.tools).toHaveLength(16);
    expect(first.messages[0].role).toBe('system');
    expect(server.authorizations.every((value) => value === 'Bearer sk-test-secret')).toBe(true);
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
    const requests: { messages: { role: string; content: string }[] }[] = [];
    const server = createServer((request, response) => {
      let text = '';
      request.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      request.on('end', () => {
        const body = JSON.parse(text) as { messages: { role: string; content: string }[] };
        requests.push(body);
        const last = body.messages.at(-1)?.content ?? '';
        const content = last.startsWith('All done') ? '###STOP###' : 'I need help with my order.';
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(
          JSON.stringify({
            id: 'u',
            object: 'chat.completion',
            created: 0,
            model: 'user',
            choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
          }),
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    close = () => new Promise<void>((resolve) => server.close(() => resolve()));
    const { port } = server.address() as AddressInfo;
    const run = await cli([
      'eval',
      ...[
        '--split',
        'dev',
        '--tasks',
        '3',
        '--user',
        'llm',
        '--user-base-url',
        `http://127.0.0.1:${port}/v1`,
      ],
      ...['--user-model', 'user-model'],
    ]);
    expect(problems(run.stderr)).toBe('');
    expect(run.stdout).toMatch(/user llm: 3 tasks × 1 trial$/m);
    expect(number(run.stdout, 'pass^1')).toBe(1);
    expect(row(run.stdout, 'stop reasons')).toBe('user_stop 3');
    expect(requests[0].messages[0].content).toMatch(
      /^You are a user interacting with an agent\.\n\nInstruction: /,
    );
  });
});

/** A checkpoint of a freshly initialised byte-level model with this context. */
