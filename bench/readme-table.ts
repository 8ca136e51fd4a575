// Prints the README's Benchmarks table from the JSON in benchmark_results/, to paste between the
// README's bench:table markers (a test checks that they agree). Usage: node dist/bench/readme-table.js

import { RESULTS_DIR } from './support/bench-result.js';
import { benchmarksReadmeTable, readBenchResults, README_MARKERS } from './support/readme-table.js';

console.log(
  [README_MARKERS.start, benchmarksReadmeTable(await readBenchResults(RESULTS_DIR)), README_MARKERS.end].join(
    '\n',
  ),
);
