// ONNX Runtime sessions shared by every compiled graph with the same model bytes and thread count.
// Symbolic dims let one session serve a whole shape family, so sessions are created once, not per batch.

import { createHash } from 'node:crypto';
import * as ort from 'onnxruntime-node';
import { EngineError } from '../errors.js';

/** How a session runs: threads inside one operator (the GEMMs), operators one after another. */
export type SessionSettings = { readonly intraOpThreads: number };

type Entry = { session: Promise<ort.InferenceSession>; references: number };

/** The sha256 of a model's bytes: identical graphs export identical bytes, hence one session. */
export function modelFingerprint(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** A reference-counted map from (model fingerprint, settings) to one ONNX Runtime session. */
export class SessionCache {
  private readonly entries = new Map<string, Entry>();
  private creations = 0;

  /** Sessions created since this cache was made (a cache hit creates none). */
  get sessionsCreated(): number {
    return this.creations;
  }

  /** Sessions currently held. */
  get size(): number {
    return this.entries.size;
  }

  /** The key under which a model and settings share a session. */
  key(bytes: Uint8Array, settings: SessionSettings): string {
    return `${modelFingerprint(bytes)}/${settings.intraOpThreads}`;
  }

  /** The session for `bytes`, created on first use; each call must be paired with one `release(key)`. */
  async acquire(key: string, bytes: Uint8Array, settings: SessionSettings): Promise<ort.InferenceSession> {
    let entry = this.entries.get(key);
    if (!entry) {
      this.creations++;
      const created = createSession(bytes, settings);
      entry = { session: created, references: 0 };
      this.entries.set(key, entry);
      created.catch(() => this.entries.delete(key)); // a failed creation is retried by the next caller
    }
    entry.references++;
    return entry.session;
  }

  /** Drops one reference; the session is released when none remain. */
  async release(key: string): Promise<void> {
    const entry = this.entries.get(key);
    if (!entry) return;
    entry.references--;
    if (entry.references > 0) return;
    this.entries.delete(key);
    const session = await entry.session;
    await session.release();
  }
}

async function createSession(bytes: Uint8Array, settings: SessionSettings): Promise<ort.InferenceSession> {
  try {
    return await ort.InferenceSession.create(bytes, {
      graphOptimizationLevel: 'all',
      executionMode: 'sequential',
      intraOpNumThreads: settings.intraOpThreads,
      interOpNumThreads: 1,
      enableCpuMemArena: true,
      enableMemPattern: true,
      logSeverityLevel: 3,
    });
  } catch (error) {
    throw new EngineError('runtime_failure', `ONNX Runtime could not create a session: ${messageOf(error)}`, {
      cause: error,
    });
  }
}

/** The message of an unknown thrown value. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The process-wide cache `compileGraph` uses. */
export const sessionCache = new SessionCache();
