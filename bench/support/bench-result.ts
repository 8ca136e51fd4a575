// The JSON every benchmark writes into benchmark_results/: what it measured, what was in the loop
// (model, tokens per reply, store, concurrency), the machine and its load, and flat metrics that
// `bench:check` compares with the committed baseline.

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { machineFacts, type MachineFacts } from './machine.js';

/** The folder results are written to; `BENCH_RESULTS_DIR` overrides it. */
export const RESULTS_DIR = process.env.BENCH_RESULTS_DIR ?? 'benchmark_results';

/** A value that says what was in the loop. */
export type InLoopValue = string | number | boolean;

/** One benchmark's result file. */
export type BenchResult = {
  /** The file's name without `.json`, e.g. `http-latency`. */
  readonly benchmark: string;
  /** One sentence: what was measured, and how. */
  readonly description: string;
  /** What was in the loop: model size, tokens per reply, store, concurrency, backend. */
  readonly inLoop: Readonly<Record<string, InLoopValue>>;
  /** Slash-separated metric names to numbers, e.g. `http/p50_ms`; what `bench:check` compares. */
  readonly metrics: Readonly<Record<string, number>>;
  /** Anything else worth keeping (per-level rows, raw counts). */
  readonly details?: unknown;
  /** The machine with its load when the benchmark started, and the load when it ended. */
  readonly machine: MachineFacts & { readonly loadAverageAtEnd: readonly [number, number, number] };
  readonly wallSeconds: number;
  readonly finishedAt: string;
};

/** Times a benchmark from construction; `finish` stamps the machine facts and wall time. */
export class BenchRun {
  private readonly started = performance.now();
  private readonly machineAtStart = machineFacts();

  constructor(readonly benchmark: string) {}

  /** The result with machine facts and timing added. */
  finish(result: Omit<BenchResult, 'benchmark' | 'machine' | 'wallSeconds' | 'finishedAt'>): BenchResult {
    return {
      benchmark: this.benchmark,
      ...result,
      machine: { ...this.machineAtStart, loadAverageAtEnd: machineFacts().loadAverage },
      wallSeconds: Math.round((performance.now() - this.started) / 100) / 10,
      finishedAt: new Date().toISOString(),
    };
  }
}

/** Writes `result` to `<dir>/<benchmark>.json` and returns the path. */
export async function writeBenchResult(result: BenchResult, dir: string = RESULTS_DIR): Promise<string> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, `${result.benchmark}.json`);
  await writeFile(path, `${JSON.stringify(result, null, 2)}\n`);
  return path;
}
