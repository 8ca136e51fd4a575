// Real HTTP from the benchmarks: JSON requests over Node's fetch (undici, keep-alive connections),
// each timed from sending until the whole body has been read and parsed.

/** A finished request: HTTP status, parsed body, and its wall time in ms. */
export type TimedResponse = { readonly status: number; readonly body: unknown; readonly ms: number };

/** Options of `requestJson`. */
export type RequestJsonOptions = {
  readonly method: 'GET' | 'POST' | 'DELETE';
  readonly url: string;
  readonly apiKey?: string;
  readonly body?: unknown;
};

/** Sends one request and reads the JSON reply; network failures reject. */
export async function requestJson(options: RequestJsonOptions): Promise<TimedResponse> {
  const headers: Record<string, string> = {};
  if (options.apiKey !== undefined) headers.authorization = `Bearer ${options.apiKey}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const started = performance.now();
  const response = await fetch(options.url, {
    method: options.method,
    headers,
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const text = await response.text();
  const ms = performance.now() - started;
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON: kept as text, so an error report can show it.
  }
  return { status: response.status, body, ms };
}

/** Counts failures by kind (`http 503`, `degraded`, `network: …`) and keeps the first few bodies. */
export class ErrorTally {
  readonly counts: Record<string, number> = {};
  readonly examples: string[] = [];

  /** Records one failure of `kind`, with what it said. */
  add(kind: string, detail: unknown): void {
    this.counts[kind] = (this.counts[kind] ?? 0) + 1;
    if (this.examples.length < 5) this.examples.push(`${kind}: ${JSON.stringify(detail).slice(0, 300)}`);
  }

  get total(): number {
    return Object.values(this.counts).reduce((sum, count) => sum + count, 0);
  }
}
