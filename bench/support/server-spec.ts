// What a benchmark server process runs, and the messages it exchanges with the benchmark over IPC.

import { ServeConfigSchema } from '../../src/serving/serve-config.js';

/**
 * The backend limiter of the benchmark servers: `serve`'s default calls in flight, plus a queue, so
 * that 100 concurrent conversations wait their turn instead of being refused with 503 `overloaded`.
 */
export const BENCH_LIMITER = {
  maxConcurrent: ServeConfigSchema.parse({}).maxConcurrent,
  maxQueue: 256,
} as const;

/** Settings shared by the servers built with `buildServer`. */
export type FrameworkServerSpec = {
  /** The one API key the server accepts (scope chat), checked on every request as in production. */
  readonly apiKey: string;
  /** Backend calls in flight at once, and calls that may wait for one, before 503 `overloaded`. */
  readonly maxConcurrent: number;
  readonly maxQueue: number;
};

/** A server to start: a real checkpoint, the zero-cost scripted backend, or a bare Fastify route. */
export type ServerSpec =
  | (FrameworkServerSpec & {
      readonly kind: 'checkpoint';
      readonly checkpoint: string;
      readonly store: 'memory' | 'redis';
      /** Required when `store` is redis. */
      readonly redisUrl?: string;
      /** Folder of the JSONL file finished conversations are captured to. */
      readonly trajectoriesDir: string;
    })
  | (FrameworkServerSpec & { readonly kind: 'zero-cost'; readonly reply: string })
  | { readonly kind: 'bare-fastify'; readonly body: unknown };

/** Messages from the benchmark to the server process. */
export type ToServer =
  | { readonly type: 'start'; readonly spec: ServerSpec }
  | { readonly type: 'memory' }
  | { readonly type: 'stop' };

/** Messages from the server process to the benchmark. */
export type FromServer =
  | { readonly type: 'listening'; readonly port: number }
  | { readonly type: 'failed'; readonly error: string }
  | { readonly type: 'memory'; readonly rss: number; readonly heapUsed: number }
  | { readonly type: 'stopped' };
