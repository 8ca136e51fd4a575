// Who is calling: the API key a request authenticated with and the scopes it holds. The auth hook
// sets `request.principal`; routes check scopes with `requireScope`.

import type {} from 'fastify';

/** What an API key may do: chat (completions, conversations), train (training jobs), admin (everything). */
export type Scope = 'chat' | 'train' | 'admin';

/** All scopes, in the order docs list them. */
export const SCOPES: readonly Scope[] = ['chat', 'train', 'admin'];

/** The caller of a request. With no keys configured, every caller is `anonymous` with all scopes. */
export type Principal = {
  /** The key's configured id (never the key itself). */
  readonly keyId: string;
  readonly scopes: readonly Scope[];
};

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}
