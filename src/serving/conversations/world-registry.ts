// The worlds conversations run in, loaded once per server on first use (retail data is read from
// disk), and shared by every conversation: each conversation opens its own state.

import { loadChatWorld, type ChatWorld, type ChatWorldName } from '../../environments/chat-world.js';

/** Options of a `WorldRegistry`. */
export type WorldRegistryOptions = {
  /** τ-bench retail data folder; empty: found from `processEnv` or beside the working directory. */
  readonly retailData: string;
  readonly processEnv?: Readonly<Record<string, string | undefined>>;
};

/** Loads each world once; a failed load is forgotten so a later call can retry it. */
export class WorldRegistry {
  readonly #loading = new Map<ChatWorldName, Promise<ChatWorld>>();

  constructor(private readonly options: WorldRegistryOptions) {}

  /** The world `name`; throws EnvironmentError('environment_data_invalid') when its data is missing. */
  get(name: ChatWorldName): Promise<ChatWorld> {
    let loading = this.#loading.get(name);
    if (loading === undefined) {
      loading = loadChatWorld({
        env: name,
        data: this.options.retailData,
        processEnv: this.options.processEnv ?? process.env,
      });
      this.#loading.set(name, loading);
      loading.catch(() => this.#loading.delete(name));
    }
    return loading;
  }
}
