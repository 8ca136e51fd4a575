// Test support: a TrajectoryStore that keeps appended records in an array (in this process only),
// and can be told to fail its appends, to test what a failed capture does.

import { StatesetError } from '../../../errors.js';
import type { CapturedConversation, TrajectoryStore } from '../../trajectory-store.js';

/** Records in memory, oldest first; `failAppends` makes `append` throw `store_unavailable`. */
export class ArrayTrajectoryStore implements TrajectoryStore {
  readonly records: CapturedConversation[] = [];
  failAppends = false;

  async append(record: CapturedConversation): Promise<void> {
    if (this.failAppends) throw new StatesetError('store_unavailable', 'the test made appends fail');
    this.records.push(structuredClone(record));
  }

  async *read(): AsyncIterable<CapturedConversation> {
    yield* this.records;
  }

  async flush(): Promise<void> {}

  async ping(): Promise<void> {}

  async close(): Promise<void> {}
}
