// The error base class and its families; every failure a user can see carries a stable `code`.
// The catalogue in `error-catalogue.ts` maps each code to a description and an HTTP status.

import type { ErrorCode } from './error-catalogue.js';

/** Base of every error the framework throws on purpose: a stable code, a message, the cause kept. */
export class StatesetError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** Graph construction, compilation or execution failed (shapes, unknown ops, bad feeds). */
export class EngineError extends StatesetError {}

/** A tensor file or checkpoint could not be read or does not match the model. */
export class CheckpointError extends StatesetError {}

/** A configuration file, flag or environment variable is invalid. */
export class ConfigError extends StatesetError {}

/** A token id or text could not be handled by the tokenizer or model. */
export class TokenizerError extends StatesetError {}

/** A model config or model input is invalid. */
export class ModelError extends StatesetError {}

/** An environment, tool, simulated user or episode failed (unknown scenario, a tool threw, a step timed out). */
export class EnvironmentError extends StatesetError {}

/** A reward function or LLM judge failed, or returned a score that cannot be used. */
export class RewardError extends StatesetError {}
