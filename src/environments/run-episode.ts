// The episode runner: reset the environment, then alternate agent turns and environment steps until
// the environment or a stop condition ends it, a step times out, or the agent fails.

import { randomUUID } from 'node:crypto';
import type { Agent, AgentTurn } from '../agents/agent.js';
import type { Message } from '../conversation/messages.js';
import type { StopReason, Trajectory, TurnRecord } from '../conversation/trajectory.js';
import { EnvironmentError } from '../errors.js';
import { createDeadline, raceAbort } from './abortable.js';
import type { Environment, EnvironmentStep } from './environment.js';
import { errorText } from './run-tool-call.js';
import { DEFAULT_STOP, type StopCondition } from './stop-conditions.js';

/**
 * What to do when `agent.act` throws: 'end_episode' (default) ends it with stopReason 'agent_error'
 * and keeps the error in `metadata.agentError` (a sampled policy failing is a property of the
 * rollout; one bad sample must not discard a batch, and the stats count it); 'throw' rethrows it
 * as EnvironmentError('agent_failed').
 */
export type AgentErrorPolicy = 'end_episode' | 'throw';

/** Options of `runEpisode`. */
export type RunEpisodeOptions<TState> = {
  readonly environment: Environment<TState>;
  /** Used as is; `runEpisodes` forks one per episode. */
  readonly agent: Agent;
  readonly seed: number;
  readonly scenarioId?: string;
  readonly split?: string;
  /** Default: the user's stop or 30 agent turns. */
  readonly stop?: StopCondition;
  /** Deadline of each step (agent turn plus environment answer); on expiry the episode ends with 'timeout'. */
  readonly stepTimeoutMs?: number;
  /** Cancels the episode: it throws EnvironmentError('episode_aborted'). */
  readonly signal?: AbortSignal;
  readonly onAgentError?: AgentErrorPolicy;
  /** Trajectory id; a random UUID by default. */
  readonly id?: string;
  readonly groupId?: string;
};

/** A finished episode: its trajectory and the environment's final state (for rewards that need it). */
export type Episode<TState> = {
  readonly trajectory: Trajectory;
  readonly finalState: TState;
};

/** How long each step took: the agent's turn and the environment's answer. */
export type StepTiming = { readonly agentMs: number; readonly environmentMs: number };

/** The error an agent threw, as kept in `metadata.agentError`. */
export type AgentErrorRecord = { readonly name: string; readonly message: string; readonly code?: string };

/**
 * Runs one episode. The environment's own failures (a tool set to fail loudly, a simulated user that
 * gives up) are not the policy's fault and propagate; reset is bounded only by `signal`.
 */
export async function runEpisode<TState>(options: RunEpisodeOptions<TState>): Promise<Episode<TState>> {
  const { environment, agent, signal } = options;
  const stop = options.stop ?? DEFAULT_STOP;
  const startedAt = new Date();
  const started = performance.now();
  throwIfAborted(signal);
  const resetPromise = environment.reset({
    seed: options.seed,
    scenarioId: options.scenarioId,
    split: options.split,
    signal,
  });
  const reset = await guard(signal === undefined ? resetPromise : raceAbort(resetPromise, signal), signal);

  let state = reset.state;
  const messages: Message[] = [...reset.messages];
  const turns: TurnRecord[] = [];
  const timings: StepTiming[] = [];
  const errorCounts: Record<string, number> = {};
  let toolErrors = 0;
  let stopReason: StopReason | undefined;
  let agentError: AgentErrorRecord | undefined;

  while (stopReason === undefined) {
    throwIfAborted(signal);
    const deadline = createDeadline({ timeoutMs: options.stepTimeoutMs, parent: signal });
    try {
      const actStarted = performance.now();
      let turn: AgentTurn;
      try {
        turn = await raceAbort(
          agent.act({ messages: [...messages], signal: deadline.signal }),
          deadline.signal,
        );
      } catch (error) {
        if (deadline.timedOut()) {
          stopReason = 'timeout';
          break;
        }
        throwIfAborted(signal);
        if (options.onAgentError === 'throw') {
          throw new EnvironmentError('agent_failed', `agent ${agent.name} failed: ${errorText(error)}`, {
            cause: error,
          });
        }
        agentError = errorRecord(error);
        stopReason = 'agent_error';
        break;
      }
      const stepStarted = performance.now();
      messages.push(turn.message);
      turns.push({ messageIndex: messages.length - 1, ...(turn.tokens ? { tokens: turn.tokens } : {}) });
      let step: EnvironmentStep<TState>;
      try {
        step = await raceAbort(environment.step(state, turn, { signal: deadline.signal }), deadline.signal);
      } catch (error) {
        if (deadline.timedOut()) {
          stopReason = 'timeout';
          break;
        }
        throwIfAborted(signal);
        throw error;
      }
      timings.push({ agentMs: stepStarted - actStarted, environmentMs: performance.now() - stepStarted });
      state = step.state;
      messages.push(...step.messages);
      toolErrors += step.toolErrors;
      for (const [kind, count] of Object.entries(step.toolErrorCounts ?? {})) {
        errorCounts[kind] = (errorCounts[kind] ?? 0) + count;
      }
      stopReason =
        step.stop ?? stop({ messages, turns, lastTurn: turn, lastMessages: step.messages, toolErrors });
    } finally {
      deadline.dispose();
    }
  }

  const trajectory: Trajectory = {
    id: options.id ?? randomUUID(),
    ...(options.groupId === undefined ? {} : { groupId: options.groupId }),
    messages,
    turns,
    metadata: {
      seed: options.seed,
      scenarioId: reset.scenarioId,
      environment: environment.name,
      stopReason,
      startedAt: startedAt.toISOString(),
      durationMs: performance.now() - started,
      toolErrors,
      toolErrorCounts: errorCounts,
      stepTimings: timings,
      agent: agent.name,
      ...(agentError === undefined ? {} : { agentError }),
    },
  };
  return { trajectory, finalState: state };
}

function errorRecord(error: unknown): AgentErrorRecord {
  const name = error instanceof Error ? error.name : typeof error;
  const code = (error as { code?: unknown } | null)?.code;
  return { name, message: errorText(error), ...(typeof code === 'string' ? { code } : {}) };
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    throw new EnvironmentError('episode_aborted', `episode cancelled: ${errorText(signal.reason)}`, {
      cause: signal.reason,
    });
  }
}

async function guard<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  try {
    return await promise;
  } catch (error) {
    throwIfAborted(signal);
    throw error;
  }
}
