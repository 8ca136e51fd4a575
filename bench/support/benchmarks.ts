// The benchmarks `npm run bench` runs, in order: each is a compiled script in dist/bench/ that writes
// benchmark_results/<result>.json.

/** One benchmark of the suite. */
export type Benchmark = {
  /** The compiled script beside the runner, e.g. `http-latency.js`. */
  readonly script: string;
  /** The result file's name without `.json`. */
  readonly result: string;
  /** Whether it serves or trains the bench checkpoint (the runner trains it once and passes it on). */
  readonly usesCheckpoint: boolean;
  /** Further arguments of the script. */
  readonly args?: readonly string[];
};

/** Every benchmark of `npm run bench`. */
export const BENCHMARKS: readonly Benchmark[] = [
  { script: 'http-latency.js', result: 'http-latency', usesCheckpoint: true },
  { script: 'throughput.js', result: 'throughput-memory', usesCheckpoint: true, args: ['--store', 'memory'] },
  { script: 'throughput.js', result: 'throughput-redis', usesCheckpoint: true, args: ['--store', 'redis'] },
  { script: 'memory.js', result: 'memory', usesCheckpoint: true },
  { script: 'training-speed.js', result: 'training-speed', usesCheckpoint: true },
  { script: 'engine-figures.js', result: 'engine', usesCheckpoint: false },
  { script: 'overhead.js', result: 'overhead', usesCheckpoint: false },
];

/** The committed baseline's file name in the results folder. */
export const BASELINE_FILE = 'baseline.json';
