import { describe, expect, it } from 'vitest';
import { compareWithBaseline, type MetricValues } from './baseline-comparison.js';
import { describeTolerance, ruleFor, type ToleranceRule } from './tolerances.js';

const verdict = (metric: string, baseline: number | null | undefined, current: number | null | undefined) => {
  const base: Record<string, number | null> = {};
  const now: Record<string, number | null> = {};
  if (baseline !== undefined) base[metric] = baseline;
  if (current !== undefined) now[metric] = current;
  const [only] = compareWithBaseline({ baseline: base, current: now });
  return only;
};

describe('compareWithBaseline', () => {
  it('passes latencies up to 3× the baseline and fails beyond', () => {
    expect(verdict('http/p50_ms', 100, 299)).toMatchObject({ ok: true, allowed: '≤ 3× baseline' });
    expect(verdict('http/p50_ms', 100, 20)).toMatchObject({ ok: true });
    expect(verdict('http/p50_ms', 100, 301)).toMatchObject({ ok: false, note: '3.01× baseline: regression' });
  });

  it('holds rates the other way: a third of the baseline passes, less fails', () => {
    expect(verdict('throughput/memory/c10/turns_per_s', 9, 3.01)).toMatchObject({
      ok: true,
      allowed: '≥ baseline / 3',
    });
    expect(verdict('throughput/memory/c10/turns_per_s', 9, 90)).toMatchObject({ ok: true });
    expect(verdict('throughput/memory/c10/turns_per_s', 9, 2.9)).toMatchObject({ ok: false });
    expect(verdict('engine/train_step_gflops', 16, 5)).toMatchObject({ ok: false });
  });

  it('holds machine-independent ratios and byte counts tight', () => {
    expect(verdict('overhead/latency_ratio_p50', 2, 2.9)).toMatchObject({ ok: true });
    expect(verdict('overhead/latency_ratio_p50', 2, 3.1)).toMatchObject({ ok: false });
    expect(verdict('memory/memory_store_bytes_per_conversation', 15_000, 18_700)).toMatchObject({ ok: true });
    expect(verdict('memory/memory_store_bytes_per_conversation', 15_000, 19_000)).toMatchObject({
      ok: false,
    });
  });

  it('fails any error at all, even when the baseline had errors or lacks the metric', () => {
    expect(verdict('throughput/redis/c100/errors', 0, 0)).toMatchObject({ ok: true, allowed: '= 0' });
    expect(verdict('throughput/redis/c100/errors', 0, 1)).toMatchObject({ ok: false, note: 'above 0' });
    expect(verdict('throughput/redis/c100/errors', 5, 1)).toMatchObject({ ok: false });
    expect(verdict('http/errors', undefined, 2)).toMatchObject({ ok: false });
  });

  it('fails a setup property that moved either way beyond its band', () => {
    expect(verdict('http/tokens_per_reply', 32, 32)).toMatchObject({ ok: true });
    expect(verdict('http/tokens_per_reply', 32, 20)).toMatchObject({
      ok: false,
      note: '0.63× baseline: the setup changed',
    });
    expect(verdict('http/tokens_per_reply', 32, 48)).toMatchObject({ ok: false });
  });

  it('fails a metric the fresh run lacks or could not compute, and one no rule covers', () => {
    expect(verdict('http/p95_ms', 10, undefined)).toMatchObject({
      ok: false,
      note: 'missing from the fresh run',
    });
    expect(verdict('http/p95_ms', 10, null)).toMatchObject({
      ok: false,
      note: 'the fresh run could not compute it',
    });
    expect(verdict('mystery/value', 1, 1)).toMatchObject({ ok: false, allowed: 'no rule' });
  });

  it('passes, with a note, a metric new since the baseline', () => {
    expect(verdict('http/p99_ms', undefined, 40)).toMatchObject({ ok: true, note: 'not in the baseline' });
    expect(verdict('http/p99_ms', null, 40)).toMatchObject({ ok: true, note: 'not in the baseline' });
  });

  it('treats a zero baseline as exact for lower-is-better metrics', () => {
    expect(verdict('http/p50_ms', 0, 0)).toMatchObject({ ok: true });
    expect(verdict('http/p50_ms', 0, 1)).toMatchObject({ ok: false, note: '∞× baseline: regression' });
  });

  it('returns one verdict per metric of either run, sorted, under the rules it is given', () => {
    const rules: ToleranceRule[] = [
      { pattern: /^a$/, tolerance: { kind: 'factor', better: 'lower', factor: 1.1 }, why: 'test' },
      { pattern: /^b$/, tolerance: { kind: 'at_most', limit: 3 }, why: 'test' },
    ];
    const baseline: MetricValues = { b: 1, a: 10 };
    const current: MetricValues = { a: 11.5, b: 3 };
    expect(compareWithBaseline({ baseline, current, rules }).map((v) => [v.metric, v.ok])).toEqual([
      ['a', false],
      ['b', true],
    ]);
  });
});

describe('tolerance rules', () => {
  it('match the first rule and describe each kind of tolerance', () => {
    expect(ruleFor('overhead/errors')?.tolerance).toEqual({ kind: 'at_most', limit: 0 });
    expect(ruleFor('overhead/framework_p50_ms')?.tolerance).toMatchObject({ better: 'lower', factor: 3 });
    expect(describeTolerance(ruleFor('throughput/redis/server_rss_peak_mb')!.tolerance)).toBe(
      '≤ 1.5× baseline',
    );
    expect(describeTolerance({ kind: 'at_most', limit: 2 })).toBe('≤ 2');
    expect(describeTolerance({ kind: 'within', factor: 1.25 })).toBe('within 1.25× of baseline');
    expect(ruleFor('unknown/metric')).toBeUndefined();
  });
});
