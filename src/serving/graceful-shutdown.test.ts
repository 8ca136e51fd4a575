// Graceful shutdown of a server listening on a loopback port, with signals from an emitter (so the test
// process itself is never signalled) and a backend held at a gate to keep a request in flight.

import { EventEmitter } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { GatedBackend } from './conversations/test-support/gated-backend.js';
import { GracefulShutdown, type ShutdownStep } from './graceful-shutdown.js';
import { EchoBackend } from './test-support/echo-backend.js';
import { buildTestServer, type TestServer } from './test-support/test-server.js';

type Harness = {
  readonly server: TestServer;
  readonly gate: GatedBackend;
  readonly shutdown: GracefulShutdown;
  readonly signals: EventEmitter;
  readonly exits: number[];
  readonly steps: string[];
  readonly base: string;
};

let harness: Harness | undefined;

afterEach(async () => {
  harness?.gate.release();
  harness?.shutdown.uninstall();
  await harness?.server.app.close();
  harness = undefined;
});

async function start(options: { deadlineMs?: number; steps?: ShutdownStep[] } = {}): Promise<Harness> {
  const gate = new GatedBackend(new EchoBackend());
  const server = await buildTestServer({ backend: gate });
  const signals = new EventEmitter();
  const exits: number[] = [];
  const steps: string[] = [];
  const shutdown = new GracefulShutdown({
    server,
    deadlineMs: options.deadlineMs ?? 30_000,
    logger: server.deps.logger,
    signalSource: signals,
    exit: (code) => exits.push(code),
    steps: options.steps ?? [
      { name: 'training jobs', run: () => void steps.push(`jobs listening=${server.app.server.listening}`) },
      { name: 'stores', run: () => void steps.push('stores') },
    ],
  }).install();
  await server.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = server.app.server.address() as AddressInfo;
  harness = { server, gate, shutdown, signals, exits, steps, base: `http://127.0.0.1:${port}` };
  return harness;
}

const chat = (base: string, content: string) =>
  fetch(`${base}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'echo', messages: [{ role: 'user', content }] }),
  });

const errorCode = async (response: Response) =>
  ((await response.json()) as { error: { code: string } }).error.code;

describe('GracefulShutdown', () => {
  it('lets the in-flight request finish while refusing new work, then closes in order and exits 0', async () => {
    const { server, gate, shutdown, signals, exits, steps, base } = await start();
    const waiting = gate.hold();
    const inFlight = chat(base, 'hello world');
    await waiting;

    signals.emit('SIGTERM', 'SIGTERM');
    expect(server.shuttingDown).toBe(true);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(503);
    expect(await errorCode(ready)).toBe('server_shutting_down');
    const refused = await chat(base, 'too late');
    expect(refused.status).toBe(503);
    expect(await errorCode(refused)).toBe('server_shutting_down');
    expect((await fetch(`${base}/healthz`)).status).toBe(200); // liveness holds while draining
    expect(exits).toEqual([]);
    expect(steps).toEqual([]);

    gate.release();
    const answered = await inFlight;
    expect(answered.status).toBe(200);
    const body = (await answered.json()) as { choices: { message: { content: string } }[] };
    expect(body.choices[0].message.content).toBe('dlrow olleh');

    const report = await shutdown.done;
    expect(report).toMatchObject({ reason: 'SIGTERM', cutOff: 0, failed: [], exitCode: 0 });
    expect(exits).toEqual([0]);
    expect(steps).toEqual(['jobs listening=false', 'stores']);
    await expect(fetch(`${base}/healthz`)).rejects.toThrow(); // nothing listens any more
    const phases = server.logs.map((line) => line.msg).filter((msg) => String(msg).startsWith('shutdown'));
    expect(phases).toEqual([
      'shutdown: draining in-flight requests; new ones are refused',
      'shutdown: every in-flight request finished',
      'shutdown: http server closed',
      'shutdown: training jobs closed',
      'shutdown: stores closed',
      'shutdown: complete',
    ]);
  });

  it('closes the connection of a request that outlives the deadline, says so, and still exits 0', async () => {
    const { gate, shutdown, signals, exits, server, base } = await start({ deadlineMs: 200 });
    const waiting = gate.hold();
    const inFlight = chat(base, 'slow');
    await waiting;

    signals.emit('SIGINT', 'SIGINT');
    await expect(inFlight).rejects.toThrow(); // the connection was closed under it
    const report = await shutdown.done;
    expect(report).toMatchObject({ reason: 'SIGINT', cutOff: 1, exitCode: 0 });
    expect(report?.durationMs).toBeGreaterThanOrEqual(200);
    expect(exits).toEqual([0]);
    const warning = server.logs.find((line) => line.cutOff === 1 && line.level === 40);
    expect(warning?.msg).toBe(
      'shutdown: the deadline passed with 1 request(s) in flight; their connections were closed',
    );
  });

  it('exits at once with 128 + the signal number on a second signal', async () => {
    const { gate, signals, exits, server, base } = await start();
    const waiting = gate.hold();
    const inFlight = chat(base, 'stuck').catch(() => undefined);
    await waiting;

    signals.emit('SIGTERM', 'SIGTERM');
    expect(exits).toEqual([]);
    signals.emit('SIGINT', 'SIGINT');
    expect(exits).toEqual([130]);
    signals.emit('SIGTERM', 'SIGTERM');
    expect(exits).toEqual([130, 143]);
    expect(
      server.logs.some(
        (line) => line.msg === 'shutdown: second signal, exiting now without finishing the shutdown',
      ),
    ).toBe(true);
    gate.release();
    await inFlight;
  });

  it('runs once however often it is asked, and reports a failing step with exit code 1', async () => {
    const ran: string[] = [];
    const { shutdown, exits } = await start({
      steps: [
        {
          name: 'stores',
          run: () => {
            ran.push('stores');
            throw new Error('disk full');
          },
        },
        { name: 'backend', run: () => void ran.push('backend') },
      ],
    });
    const first = shutdown.shutdown('test');
    expect(shutdown.shutdown('again')).toBe(first);
    const report = await first;
    expect(report).toMatchObject({ reason: 'test', failed: ['stores'], exitCode: 1 });
    expect(ran).toEqual(['stores', 'backend']);
    expect(exits).toEqual([]); // only a signal ends the process
  });
});
