import { describe, expect, it } from 'vitest';
import { CircuitBreaker, circuitOpenError, type BreakerStateChange } from './circuit-breaker.js';
import { FailureWindow } from './failure-window.js';

/** A breaker on a clock the test moves, recording its state changes. */
function breaker(options: ConstructorParameters<typeof CircuitBreaker>[0] = {}) {
  const clock = { ms: 0 };
  const changes: string[] = [];
  const circuit = new CircuitBreaker({
    failureThreshold: 3,
    resetTimeoutMs: 1000,
    now: () => clock.ms,
    onStateChange: ({ previous, state }: BreakerStateChange) => void changes.push(`${previous}→${state}`),
    ...options,
  });
  const call = (outcome: 'success' | 'failure') => {
    const admission = circuit.acquire();
    if (!admission.ok) throw new Error('expected the breaker to admit the call');
    circuit[outcome](admission.permit);
  };
  return { circuit, clock, changes, call };
}

describe('CircuitBreaker', () => {
  it('opens after the threshold of consecutive failures; a success in between resets the count', () => {
    const { circuit, changes, call } = breaker();
    call('failure');
    call('failure');
    call('success');
    call('failure');
    call('failure');
    expect(circuit.state).toBe('closed');
    call('failure');
    expect(circuit.state).toBe('open');
    expect(changes).toEqual(['closed→open']);
  });

  it('refuses calls while open, saying how long until the reset', () => {
    const { circuit, clock, call } = breaker();
    for (let i = 0; i < 3; i++) call('failure');
    clock.ms = 400;
    expect(circuit.acquire()).toEqual({ ok: false, retryAfterMs: 600 });
  });

  it('turns half-open after the reset time, admits only the trial calls, and closes on success', () => {
    const { circuit, clock, changes, call } = breaker();
    for (let i = 0; i < 3; i++) call('failure');
    clock.ms = 999;
    expect(circuit.state).toBe('open');
    clock.ms = 1000;
    expect(circuit.state).toBe('half_open');
    const trial = circuit.acquire();
    expect(trial).toMatchObject({ ok: true, permit: { trial: true } });
    expect(circuit.acquire()).toEqual({ ok: false, retryAfterMs: 1000 }); // the one trial slot is taken
    if (trial.ok) circuit.success(trial.permit);
    expect(circuit.state).toBe('closed');
    expect(changes).toEqual(['closed→open', 'open→half_open', 'half_open→closed']);
    call('failure');
    call('failure');
    expect(circuit.state, 'the failure count starts afresh').toBe('closed');
  });

  it('re-opens on a failed trial, waiting the whole reset time again', () => {
    const { circuit, clock, changes, call } = breaker();
    for (let i = 0; i < 3; i++) call('failure');
    clock.ms = 1500;
    call('failure');
    expect(circuit.state).toBe('open');
    expect(circuit.acquire()).toEqual({ ok: false, retryAfterMs: 1000 });
    clock.ms = 2500;
    expect(circuit.state).toBe('half_open');
    expect(changes).toEqual(['closed→open', 'open→half_open', 'half_open→open', 'open→half_open']);
  });

  it('lets K trials through at once while half-open and closes after K successes', () => {
    const { circuit, clock } = breaker({ halfOpenMaxCalls: 2 });
    for (let i = 0; i < 3; i++) {
      const admission = circuit.acquire();
      if (admission.ok) circuit.failure(admission.permit);
    }
    clock.ms = 1000;
    const first = circuit.acquire();
    const second = circuit.acquire();
    expect([first.ok, second.ok, circuit.acquire().ok]).toEqual([true, true, false]);
    if (first.ok) circuit.success(first.permit);
    expect(circuit.state).toBe('half_open');
    if (second.ok) circuit.success(second.permit);
    expect(circuit.state).toBe('closed');
  });

  it('frees a trial slot on release without counting an outcome', () => {
    const { circuit, clock, call } = breaker();
    for (let i = 0; i < 3; i++) call('failure');
    clock.ms = 1000;
    const trial = circuit.acquire();
    if (trial.ok) circuit.release(trial.permit);
    expect(circuit.state).toBe('half_open');
    call('success');
    expect(circuit.state).toBe('closed');
  });

  it('ignores outcomes of calls admitted before the last change of state', () => {
    const { circuit, call } = breaker();
    const slow = circuit.acquire();
    for (let i = 0; i < 3; i++) call('failure');
    expect(circuit.state).toBe('open');
    if (slow.ok) circuit.success(slow.permit);
    expect(circuit.state, 'a call from before the trip does not close it').toBe('open');
  });

  it('opens on the failure rate of the window once it holds enough calls', () => {
    const { circuit, call } = breaker({
      failureThreshold: 100,
      failureRateThreshold: 0.5,
      windowSize: 6,
      minimumCalls: 4,
    });
    call('failure');
    call('success');
    call('failure');
    expect(circuit.state, 'three calls are fewer than minimumCalls').toBe('closed');
    call('success');
    expect(circuit.state, '2 of 4 failed, but the last call succeeded').toBe('closed');
    call('failure');
    expect(circuit.state, '3 of 5 failed').toBe('open');
  });

  it('rejects invalid options', () => {
    expect(() => new CircuitBreaker({ failureThreshold: 0 })).toThrow(/failureThreshold/);
    expect(() => new CircuitBreaker({ halfOpenMaxCalls: 1.5 })).toThrow(/halfOpenMaxCalls/);
    expect(() => new CircuitBreaker({ resetTimeoutMs: -1 })).toThrow(/resetTimeoutMs/);
    expect(() => new CircuitBreaker({ failureRateThreshold: 1.5 })).toThrow(/failureRateThreshold/);
    expect(() => new CircuitBreaker({ windowSize: 0 })).toThrow(/windowSize/);
  });
});

describe('FailureWindow', () => {
  it('forgets the oldest outcome beyond its size', () => {
    const window = new FailureWindow({ size: 3, minimumCalls: 1 });
    [true, true, false, false].forEach((failed) => window.record(failed));
    expect(window.rate).toBeCloseTo(1 / 3);
  });
});

describe('circuitOpenError', () => {
  it('is a 503 circuit_open with the wait rounded up to whole seconds', () => {
    const error = circuitOpenError(1200);
    expect(error.code).toBe('circuit_open');
    expect(error.retryAfterSeconds).toBe(2);
    expect(error.retryable).toBe(false);
    expect(circuitOpenError(0).retryAfterSeconds).toBe(1);
  });
});
