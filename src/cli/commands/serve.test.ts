// `stateset-agents serve` as a real process of the compiled CLI: what it serves with and without a
// checkpoint, and graceful shutdown on SIGTERM with a request held in flight by a loopback upstream.

import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLI_ENTRY } from '../../../test/global-setup.js';
import { Rng } from '../../engine/random.js';
import { saveCheckpoint } from '../../models/checkpoint.js';
import { LanguageModel } from '../../models/language-model.js';
import { ByteTokenizer } from '../../models/tokenizers/byte-tokenizer.js';
import { startHeldUpstream, type HeldUpstream } from '../../serving/test-support/held-upstream.js';
import { tinyModelConfig } from '../../testing/index.js';
import { startServeProcess, type ServeProcess } from './test-support/serve-process.js';

const REPLY = 'Your order #W0000001 has shipped and arrives on Tuesday.';

let folder: string;
let upstream: HeldUpstream | undefined;
let serve: ServeProcess | undefined;

beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'serve-'));
});

afterEach(async () => {
  if (serve !== undefined && serve.child.exitCode === null && serve.child.signalCode === null) {
    serve.child.kill('SIGKILL');
    await serve.exited;
  }
  await upstream?.close();
  upstream = serve = undefined;
  rmSync(folder, { recursive: true, force: true });
});

const start = (flags: string[]) =>
  startServeProcess({
    cliEntry: CLI_ENTRY,
    cwd: folder,
    flags: ['--runs-dir', join(folder, 'runs'), ...flags],
  });

async function startBehindHeldUpstream(deadlineMs: number): Promise<ServeProcess> {
  upstream = await startHeldUpstream(REPLY);
  serve = await start([
    ...['--upstream-base-url', upstream.baseURL, '--upstream-model', 'held'],
    ...['--shutdown-deadline-ms', String(deadlineMs), '--trajectories-dir', join(folder, 'captured')],
  ]);
  return serve;
}

const chat = (url: string, content = 'Where is my order?') =>
  fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'held', messages: [{ role: 'user', content }] }),
  });

const errorCode = async (response: Response) =>
  ((await response.json()) as { error: { code: string } }).error.code;

const shutdownPhases = (running: ServeProcess) =>
  running.logs.map((line) => String(line.msg)).filter((msg) => msg.startsWith('shutdown: '));

describe('serve: what it serves', () => {
  it('starts without any checkpoint: prints how to call it, /readyz says why, chat answers 503', async () => {
    serve = await start([]);
    expect(serve.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await serve.line(/^ {2}try: /)).toContain(`curl ${serve.url}/v1/chat/completions`);
    const why = await serve.line(/^model not ready: /);
    expect(why).toContain(`no checkpoint under ${join(folder, 'runs')}`);

    const ready = await fetch(`${serve.url}/readyz`);
    expect(ready.status).toBe(503);
    const report = (await ready.json()) as { checks: { model: { reason: string } } };
    expect(report.checks.model.reason).toContain('no checkpoint under');
    const answer = await chat(serve.url);
    expect(answer.status).toBe(503);
    expect(await errorCode(answer)).toBe('model_unavailable');

    serve.child.kill('SIGINT');
    expect(await serve.exited).toEqual({ code: 0, signal: null });
  });

  it('serves the newest checkpoint under the runs folder when no model is configured', async () => {
    const tokenizer = new ByteTokenizer();
    const config = tinyModelConfig({ vocabSize: tokenizer.vocabSize, contextLength: 128, layers: 1 });
    const model = new LanguageModel({ config, seed: 3 });
    const checkpoint = join(folder, 'runs', 'sft-20260101-000000', 'checkpoint.safetensors');
    mkdirSync(join(checkpoint, '..'), { recursive: true });
    const state = { config, parameters: model.parameters, adam: new Map(), rng: new Rng(0).getState() };
    await saveCheckpoint(checkpoint, { ...state, step: 0 });

    serve = await start([]);
    expect(await serve.line(/^model ready: /)).toBe(`model ready: checkpoint ${checkpoint}`);
    expect((await fetch(`${serve.url}/readyz`)).status).toBe(200);
    const answer = await fetch(`${serve.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'stateset-local',
        messages: [{ role: 'user', content: 'hi' }],
        max_tokens: 4,
        seed: 1,
      }),
    });
    expect(answer.status, await answer.clone().text()).toBe(200);
    const body = (await answer.json()) as { model: string; usage: { completion_tokens: number } };
    expect(body.model).toBe('stateset-local');
    expect(body.usage.completion_tokens).toBeGreaterThan(0);
    serve.child.kill('SIGTERM');
    expect((await serve.exited).code).toBe(0);
  });
});

describe('serve: graceful shutdown on SIGTERM', () => {
  it('finishes the in-flight request, refuses new ones and reports not ready while draining, exits 0', async () => {
    const running = await startBehindHeldUpstream(30_000);
    const inFlight = chat(running.url);
    await upstream!.arrived(1);

    const signalled = performance.now();
    running.child.kill('SIGTERM');
    await running.log('shutdown: draining in-flight requests; new ones are refused');
    const ready = await fetch(`${running.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await errorCode(ready)).toBe('server_shutting_down');
    const refused = await chat(running.url, 'a new question');
    expect(refused.status).toBe(503);
    expect(await errorCode(refused)).toBe('server_shutting_down');
    expect(running.child.exitCode).toBeNull(); // still draining: the held request has not finished

    upstream!.release();
    const answered = await inFlight;
    expect(answered.status).toBe(200);
    const body = (await answered.json()) as { choices: { message: { content: string } }[] };
    expect(body.choices[0].message.content).toBe(REPLY);

    expect(await running.exited).toEqual({ code: 0, signal: null });
    expect(performance.now() - signalled).toBeLessThan(30_000);
    await expect(fetch(`${running.url}/healthz`)).rejects.toThrow(); // nothing listens any more
    expect(shutdownPhases(running)).toEqual([
      'shutdown: draining in-flight requests; new ones are refused',
      'shutdown: every in-flight request finished',
      'shutdown: http server closed',
      'shutdown: training jobs closed',
      'shutdown: trajectory store closed',
      'shutdown: conversation store closed',
      'shutdown: backend closed',
      'shutdown: complete',
    ]);
    expect(readdirSync(folder)).not.toContain('captured'); // no conversation finished: nothing captured
  });

  it('still exits 0 when a request outlives the deadline, closing its connection and saying so', async () => {
    const running = await startBehindHeldUpstream(300);
    const inFlight = chat(running.url);
    await upstream!.arrived(1);

    const signalled = performance.now();
    running.child.kill('SIGTERM');
    await expect(inFlight).rejects.toThrow(); // its connection was closed at the deadline
    expect(await running.exited).toEqual({ code: 0, signal: null });
    const elapsed = performance.now() - signalled;
    expect(elapsed).toBeGreaterThanOrEqual(300);
    expect(elapsed).toBeLessThan(10_000);
    const warning = await running.log(
      'shutdown: the deadline passed with 1 request(s) in flight; their connections were closed',
    );
    expect(warning).toMatchObject({ level: 40, cutOff: 1, deadlineMs: 300 });
    expect(await running.log('shutdown: complete')).toMatchObject({ exitCode: 0, cutOff: 1 });
  });

  it('exits at once, non-zero, on a second signal', async () => {
    const running = await startBehindHeldUpstream(30_000);
    void chat(running.url).catch(() => undefined);
    await upstream!.arrived(1);

    running.child.kill('SIGTERM');
    await running.log('shutdown: draining in-flight requests; new ones are refused');
    running.child.kill('SIGTERM');
    expect(await running.exited).toEqual({ code: 143, signal: null });
    expect(shutdownPhases(running)).not.toContain('shutdown: complete');
  });
});
