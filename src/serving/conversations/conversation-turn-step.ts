// One stored turn: bring the conversation's tool state up to date, run the turn, and store the
// user's message with everything the turn added in one atomic update. A turn that fails stores
// nothing (the conversation is as before) and forgets the tool state it may have half changed.

import type { Message, UserMessage } from '../../conversation/messages.js';
import type { ChatWorld } from '../../environments/chat-world.js';
import { StatesetError } from '../../errors.js';
import type { ChatBackend } from '../chat-backend.js';
import type { ConversationStatus, ConversationStore, StoredConversation } from '../conversation-store.js';
import type { FastifyBaseLogger } from 'fastify';
import { conversationFacts, withFacts, type ConversationStopReason } from './conversation-facts.js';
import { runConversationTurn, type TurnEnd } from './conversation-turn.js';
import type { ConversationsConfig } from './conversations-config.js';
import type { ToolStates } from './tool-states.js';

/** Who asks, and how to log and trace the request. */
export type Caller = { readonly owner: string; readonly traceId: string; readonly logger: FastifyBaseLogger };

/** What a turn returns to the caller. */
export type TurnReply = {
  readonly conversationId: string;
  readonly traceId: string;
  /** The assistant messages (with their tool calls) and tool results after the user's message. */
  readonly messages: readonly Message[];
  readonly end: TurnEnd;
  readonly status: ConversationStatus;
  /** Present when this turn finished the conversation. */
  readonly stopReason?: ConversationStopReason;
  readonly usage: { readonly promptTokens: number; readonly completionTokens: number };
  /** True when a reply came from the fallback (the model was unavailable). */
  readonly degraded: boolean;
  /** When it finished: whether the capture was stored (false: logged, and a DELETE captures it). */
  readonly captured?: boolean;
  /** The conversation as stored after the turn. */
  readonly conversation: StoredConversation;
};

/** Options of `takeTurn`; the caller holds the conversation's lock. */
export type TakeTurnOptions = {
  readonly conversation: StoredConversation;
  readonly content: string;
  readonly caller: Caller;
  readonly backend: ChatBackend;
  readonly store: ConversationStore;
  readonly world: ChatWorld;
  readonly toolStates: ToolStates;
  readonly config: ConversationsConfig;
  readonly now: () => Date;
};

/** Runs and stores one turn; throws 504 `conversation_turn_timeout` past the turn's time limit. */
export async function takeTurn(options: TakeTurnOptions): Promise<TurnReply> {
  const { conversation, caller, config, toolStates } = options;
  const id = conversation.id;
  const logger = caller.logger.child({ conversationId: id });
  const base = conversation.messages.length;
  const user: UserMessage = { role: 'user', content: options.content };
  const signal = AbortSignal.timeout(config.turnTimeoutMs);
  try {
    const { runner, report } = await toolStates.runnerFor(conversation, options.world);
    if (report.mismatches > 0) {
      logger.warn(
        { ...report },
        'replayed tool calls gave different results: tool state may differ from the stored one',
      );
    } else if (report.replayedTurns > 0) {
      logger.debug({ ...report }, 'tool state rebuilt by replay');
    }
    const result = await runConversationTurn({
      backend: options.backend,
      world: options.world,
      tools: runner,
      history: [...conversation.messages, user],
      sampling: conversationFacts(conversation).sampling,
      maxToolRounds: config.maxToolRounds,
      signal,
      logger,
    });
    const userTurns = conversationFacts(conversation).userTurns + 1;
    const stopReason: ConversationStopReason | undefined =
      result.end === 'terminal_tool'
        ? 'terminal_tool'
        : userTurns >= config.maxConversationTurns
          ? 'max_turns'
          : undefined;
    const now = options.now().toISOString();
    const stored = await options.store.update(id, (current) => {
      if (current.messages.length !== base) {
        throw new StatesetError(
          'conversation_busy',
          'another turn was stored while this one ran; it was dropped',
        );
      }
      const facts = conversationFacts(current);
      return withFacts(
        {
          ...current,
          messages: [...current.messages, user, ...result.messages],
          turns: [...current.turns, ...result.turns],
          status: stopReason === undefined ? 'active' : 'finished',
          updatedAt: now,
        },
        {
          ...facts,
          userTurns,
          traceIds: [...facts.traceIds, caller.traceId],
          ...(stopReason === undefined ? {} : { stopReason, finishedAt: now }),
        },
      );
    });
    if (stopReason === undefined) toolStates.advance(id, stored.messages.length);
    else toolStates.evict(id);
    logger.info({ end: result.end, status: stored.status, stopReason, usage: result.usage }, 'turn stored');
    return {
      conversationId: id,
      traceId: caller.traceId,
      messages: result.messages,
      end: result.end,
      status: stored.status,
      ...(stopReason === undefined ? {} : { stopReason }),
      usage: result.usage,
      degraded: result.degraded,
      conversation: stored,
    };
  } catch (error) {
    toolStates.evict(id);
    if (signal.aborted && !(error instanceof StatesetError && error.code === 'conversation_busy')) {
      logger.warn({ turnTimeoutMs: config.turnTimeoutMs }, 'turn timed out');
      throw new StatesetError(
        'conversation_turn_timeout',
        `the turn took longer than ${config.turnTimeoutMs} ms`,
        {
          cause: error,
        },
      );
    }
    logger.warn({ err: error }, 'turn failed; the conversation is unchanged');
    throw error;
  }
}
