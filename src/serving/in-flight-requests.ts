// Counts the HTTP requests a server is answering, so graceful shutdown knows when the last one has
// finished (or how many it cut off at the deadline).

import type { Server } from 'node:http';

/** The requests of one `http.Server` from the moment of `track` on: arrived and not yet closed. */
export class InFlightRequests {
  #count = 0;
  #waiters: (() => void)[] = [];

  /** Starts counting the requests `server` receives (a request ends when its response closes). */
  static track(server: Server): InFlightRequests {
    const requests = new InFlightRequests();
    server.on('request', (_request, response) => {
      requests.#count += 1;
      response.once('close', () => requests.#ended());
    });
    return requests;
  }

  /** Requests received and not yet answered (or abandoned). */
  get count(): number {
    return this.#count;
  }

  /** Resolves once no request is in flight (at once when none is). */
  whenIdle(): Promise<void> {
    if (this.#count === 0) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  #ended(): void {
    this.#count -= 1;
    if (this.#count > 0) return;
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const resolve of waiters) resolve();
  }
}
