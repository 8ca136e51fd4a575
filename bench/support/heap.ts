// The V8 heap in use once garbage has been collected, for measuring what a data structure retains.

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
/** V8's collector, exposed at runtime (the flag applies to contexts created after it is set). */
const collect = runInNewContext('gc') as () => void;

/** Heap bytes in use after full collections (repeated, so finalisers' garbage goes too). */
export function settledHeapUsed(): number {
  for (let i = 0; i < 3; i++) collect();
  return process.memoryUsage().heapUsed;
}
