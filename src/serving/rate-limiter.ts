// Per-key token buckets: each key holds up to `burst` requests and earns `perMinute` a minute.
// In-process, so each replica limits on its own (a fleet-wide limit is the load balancer's job).

/** The decision for one request. */
export type RateDecision =
  { readonly allowed: true } | { readonly allowed: false; readonly retryAfterSeconds: number };

/** Options of `createRateLimiter`. */
export type RateLimiterOptions = {
  /** Requests a key earns per minute; 0 turns limiting off. */
  readonly perMinute: number;
  /** Bucket size: requests a key may send at once. */
  readonly burst: number;
  /** Clock in milliseconds; defaults to `performance.now`. */
  readonly now?: () => number;
};

/** Takes one token from a key's bucket per request. */
export interface RateLimiter {
  take(key: string): RateDecision;
}

type Bucket = { tokens: number; updatedAt: number };

/** A limiter with a full bucket for every key it has not seen. */
export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const now = options.now ?? (() => performance.now());
  const perMs = options.perMinute / 60_000;
  const buckets = new Map<string, Bucket>();
  return {
    take(key) {
      if (options.perMinute <= 0) return { allowed: true };
      const time = now();
      const bucket = buckets.get(key) ?? { tokens: options.burst, updatedAt: time };
      bucket.tokens = Math.min(options.burst, bucket.tokens + (time - bucket.updatedAt) * perMs);
      bucket.updatedAt = time;
      buckets.set(key, bucket);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return { allowed: true };
      }
      return {
        allowed: false,
        retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / perMs / 1000)),
      };
    },
  };
}
