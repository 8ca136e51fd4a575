// Server-side conversations: create one in a world, take turns (one at a time, across replicas),
// give feedback, finish and capture. Every change goes through `store.update`, so concurrent
// changes (a turn and a feedback) never lose each other; a conversation belongs to the API key
// that created it and is invisible (404) to every other key.

import { randomUUID } from 'node:crypto';
import type { Message } from '../../conversation/messages.js';
import { CHAT_WORLD_NAMES, type ChatWorldName } from '../../environments/chat-world.js';
import { StatesetError } from '../../errors.js';
import type { FastifyBaseLogger } from 'fastify';
import type { ChatBackend, SamplingParams } from '../chat-backend.js';
import type { ConversationStore, Feedback, StoredConversation } from '../conversation-store.js';
import type { ServerMetrics } from '../server-metrics.js';
import type { TrajectoryStore } from '../trajectory-store.js';
import { capturedConversation } from './capture.js';
import { conversationFacts, withFacts, type ConversationStopReason } from './conversation-facts.js';
import { takeTurn, type Caller, type TurnReply } from './conversation-turn-step.js';
import type { ConversationsConfig } from './conversations-config.js';
import type { ToolStates } from './tool-states.js';
import type { WorldRegistry } from './world-registry.js';

/** What a conversation operation needs. Stores may be absent (then 503 `store_unavailable`). */
export type ConversationServiceOptions = {
  readonly store: ConversationStore | undefined;
  readonly trajectories: TrajectoryStore | undefined;
  /** Absent: no model is configured (503 `model_unavailable`). */
  readonly backend: ChatBackend | undefined;
  readonly worlds: WorldRegistry;
  readonly toolStates: ToolStates;
  readonly config: ConversationsConfig;
  readonly metrics: Pick<ServerMetrics, 'activeConversations' | 'capturedConversations'>;
  /** Default `() => new Date()`. */
  readonly now?: () => Date;
};

/** A new conversation's settings, as the create body gives them. */
export type NewConversationRequest = {
  readonly environment: ChatWorldName;
  readonly system?: string;
  readonly metadata?: Readonly<Record<string, unknown>>;
  readonly sampling?: SamplingParams;
};

/** Conversation ids: `conv_` and 32 hex digits. Anything else cannot exist, so it is a 404 without a lookup. */
const CONVERSATION_ID = /^conv_[0-9a-f]{32}$/;

/** The conversations of one server. */
export class ConversationService {
  readonly #now: () => Date;

  constructor(private readonly options: ConversationServiceOptions) {
    this.#now = options.now ?? (() => new Date());
  }

  /** Stores a new active conversation with the world's system prompt (or the caller's). */
  async create(caller: Caller, request: NewConversationRequest): Promise<StoredConversation> {
    const backend = this.#backend();
    const client = request.metadata ?? {};
    if (JSON.stringify(client).length > this.options.config.maxMetadataChars) {
      throw new StatesetError(
        'request_invalid',
        `metadata: at most ${this.options.config.maxMetadataChars} characters as JSON`,
      );
    }
    const world = await this.options.worlds.get(request.environment);
    const system = request.system ?? world.systemPrompt;
    const now = this.#now().toISOString();
    const messages: Message[] = system === '' ? [] : [{ role: 'system', content: system }];
    const conversation = await this.#store().create({
      id: `conv_${randomUUID().replaceAll('-', '')}`,
      owner: caller.owner,
      agent: backend.modelId,
      environment: request.environment,
      status: 'active',
      messages,
      turns: [],
      feedback: [],
      createdAt: now,
      updatedAt: now,
      metadata: { client, sampling: request.sampling ?? {}, userTurns: 0, traceIds: [] },
    });
    caller.logger.info(
      { conversationId: conversation.id, environment: request.environment },
      'conversation created',
    );
    await this.#refreshActive();
    return conversation;
  }

  /** The caller's conversation `id`; 404 `conversation_not_found` when absent or another key's. */
  async get(caller: Pick<Caller, 'owner'>, id: string): Promise<StoredConversation> {
    const conversation = CONVERSATION_ID.test(id) ? await this.#store().get(id) : undefined;
    if (conversation === undefined || conversation.owner !== caller.owner) {
      throw new StatesetError('conversation_not_found', `no conversation with id ${JSON.stringify(id)}`);
    }
    return conversation;
  }

  /**
   * Answers the user's `content` (see `takeTurn`) under the conversation's lock: 409
   * `conversation_busy` while another turn runs, 409 `conversation_finished` once it has finished.
   */
  async send(caller: Caller, id: string, content: string): Promise<TurnReply> {
    const backend = this.#backend();
    await this.get(caller, id);
    const { config } = this.options;
    // The lock outlives the turn's deadline, so it never expires under a turn still running.
    const release = await this.#store().tryLock(id, config.turnTimeoutMs + 30_000);
    if (release === undefined) {
      throw new StatesetError(
        'conversation_busy',
        'the conversation is taking another turn; retry when it ends',
      );
    }
    try {
      const conversation = await this.get(caller, id); // fresh, now that no one else can change it
      if (conversation.status === 'finished') throw finishedError();
      const reply = await takeTurn({
        conversation,
        content,
        caller,
        backend,
        store: this.#store(),
        world: await this.options.worlds.get(worldName(conversation)),
        toolStates: this.options.toolStates,
        config,
        now: this.#now,
      });
      if (reply.status !== 'finished') return reply;
      const captured = await this.#captureQuietly(reply.conversation, caller.logger, true);
      await this.#refreshActive();
      return { ...reply, captured };
    } finally {
      await release();
    }
  }

  /**
   * Adds feedback. Once finished, the conversation is captured again with all its feedback, from
   * the value the update stored, so feedback racing the finishing turn is never left out.
   */
  async feedback(
    caller: Caller,
    id: string,
    given: { readonly rating: number; readonly comment?: string },
  ): Promise<{ readonly feedback: Feedback; readonly captured: boolean }> {
    await this.get(caller, id);
    const entry: Feedback = {
      rating: given.rating,
      ...(given.comment === undefined ? {} : { comment: given.comment }),
      at: this.#now().toISOString(),
    };
    const { maxFeedback } = this.options.config;
    const updated = await this.#store().update(id, (current) => {
      if (current.feedback.length >= maxFeedback) {
        throw new StatesetError(
          'request_invalid',
          `a conversation takes at most ${maxFeedback} feedback entries`,
        );
      }
      return { ...current, feedback: [...current.feedback, entry], updatedAt: entry.at };
    });
    const captured =
      updated.status === 'finished' && (await this.#captureQuietly(updated, caller.logger, false));
    return { feedback: entry, captured };
  }

  /**
   * Finishes the conversation (`user_stop`) if active, captures its final state (again, if it was
   * captured before: the record with the most feedback wins), then removes it. When the capture
   * fails the conversation is kept, finished, and the error thrown: a retried DELETE captures it.
   */
  async remove(caller: Caller, id: string): Promise<{ readonly stopReason: ConversationStopReason }> {
    await this.get(caller, id);
    const release = await this.#store().tryLock(id, this.options.config.turnTimeoutMs + 30_000);
    if (release === undefined) {
      throw new StatesetError('conversation_busy', 'the conversation is taking a turn; retry when it ends');
    }
    try {
      let conversation = await this.get(caller, id);
      const wasActive = conversation.status === 'active';
      if (wasActive) conversation = await this.#finish(id, 'user_stop');
      await this.#capture(conversation, wasActive);
      await this.#store().delete(id);
      this.options.toolStates.evict(id);
      caller.logger.info({ conversationId: id, wasActive }, 'conversation deleted');
      await this.#refreshActive();
      return { stopReason: conversationFacts(conversation).stopReason ?? 'user_stop' };
    } finally {
      await release();
    }
  }

  async #finish(id: string, stopReason: ConversationStopReason): Promise<StoredConversation> {
    const now = this.#now().toISOString();
    return this.#store().update(id, (current) =>
      withFacts(
        { ...current, status: 'finished', updatedAt: now },
        { ...conversationFacts(current), stopReason, finishedAt: now },
      ),
    );
  }

  /** Appends the capture record; counts it when it is the capture of the finish. */
  async #capture(conversation: StoredConversation, atFinish: boolean): Promise<void> {
    const trajectories = this.options.trajectories;
    if (trajectories === undefined) {
      throw new StatesetError(
        'store_unavailable',
        'no trajectory store is configured to capture conversations',
      );
    }
    await trajectories.append(capturedConversation(conversation, this.#now()));
    if (atFinish) this.options.metrics.capturedConversations.inc();
  }

  /** `#capture`, but a failure is logged (a DELETE retries it) and reported as false. */
  async #captureQuietly(
    conversation: StoredConversation,
    logger: FastifyBaseLogger,
    atFinish: boolean,
  ): Promise<boolean> {
    try {
      await this.#capture(conversation, atFinish);
      return true;
    } catch (error) {
      logger.error({ err: error, conversationId: conversation.id }, 'capture failed; DELETE will capture it');
      return false;
    }
  }

  async #refreshActive(): Promise<void> {
    this.options.metrics.activeConversations.set(await this.#store().countActive());
  }

  #store(): ConversationStore {
    if (this.options.store === undefined) {
      throw new StatesetError('store_unavailable', 'no conversation store is configured');
    }
    return this.options.store;
  }

  #backend(): ChatBackend {
    if (this.options.backend === undefined) {
      throw new StatesetError('model_unavailable', 'no model is loaded; see /readyz');
    }
    return this.options.backend;
  }
}

function finishedError(): StatesetError {
  return new StatesetError('conversation_finished', 'the conversation has finished; start a new one');
}

/** The world of a stored conversation (one this server wrote, so a known name). */
function worldName(conversation: StoredConversation): ChatWorldName {
  const name = CHAT_WORLD_NAMES.find((known) => known === conversation.environment);
  if (name === undefined) {
    throw new StatesetError(
      'internal_error',
      `conversation ${conversation.id} has unknown world ${conversation.environment}`,
    );
  }
  return name;
}
