// One chat conversation: the user's message goes to the agent; its tool calls run against the
// conversation's own state and the results go back to it, until it answers in text.

import type { Agent } from '../../agents/agent.js';
import type { AssistantMessage, Message } from '../../conversation/messages.js';
import { isToolTurn } from '../../environments/answer-tool-turn.js';
import type { ChatToolRunner, ChatWorld } from '../../environments/chat-world.js';

/** What happened in a round, in order, for the REPL to print. */
export type ChatEvent =
  | { readonly kind: 'assistant'; readonly message: AssistantMessage }
  /** A tool result, or the error message that answers unparseable tool calls. */
  | { readonly kind: 'tool'; readonly message: Message }
  /** The agent kept calling tools for `rounds` turns without answering. */
  | { readonly kind: 'round_limit'; readonly rounds: number }
  /** The agent called a terminal tool (a transfer): the conversation is over until /reset. */
  | { readonly kind: 'ended'; readonly tool: string };

/** Options of a chat session. */
export type ChatSessionOptions = {
  /** Forked at the start of every conversation. */
  readonly agent: Agent;
  readonly world: ChatWorld;
  /** Assistant turns per user message before the word goes back to the user. */
  readonly maxToolRounds: number;
};

/** A conversation with an agent, restartable with `reset`. */
export class ChatSession {
  private agent: Agent;
  private tools: ChatToolRunner;
  private history: Message[];
  private over = false;

  constructor(private readonly options: ChatSessionOptions) {
    this.agent = options.agent.fork();
    this.tools = options.world.open();
    this.history = this.opening();
  }

  /** The conversation so far, system message first when there is one. */
  get messages(): readonly Message[] {
    return this.history;
  }

  /** Whether a terminal tool ended the conversation. */
  get ended(): boolean {
    return this.over;
  }

  /** Starts a new conversation: a fresh agent (new sampling stream), fresh tool state, only the system message. */
  reset(): void {
    this.agent = this.options.agent.fork();
    this.tools = this.options.world.open();
    this.history = this.opening();
    this.over = false;
  }

  private opening(): Message[] {
    const { systemPrompt } = this.options.world;
    return systemPrompt === '' ? [] : [{ role: 'system', content: systemPrompt }];
  }

  /**
   * Adds the user's message and runs the agent until it answers without tool calls, ends the
   * conversation, or reaches the round limit; `onEvent` sees each step as it happens. When the
   * agent or a tool throws, the conversation is put back as it was before `text` and the error rethrown.
   */
  async send(text: string, onEvent: (event: ChatEvent) => void | PromiseLike<void>): Promise<void> {
    const before = this.history.length;
    try {
      this.history.push({ role: 'user', content: text });
      for (let round = 1; ; round++) {
        const turn = await this.agent.act({ messages: this.history });
        this.history.push(turn.message);
        await onEvent({ kind: 'assistant', message: turn.message });
        if (!isToolTurn(turn)) return;
        const answer = await this.tools(turn);
        for (const message of answer.messages) {
          this.history.push(message);
          await onEvent({ kind: 'tool', message });
        }
        const terminal = answer.calledTools.find((name) => this.options.world.terminalTools.includes(name));
        if (terminal !== undefined) {
          this.over = true;
          await onEvent({ kind: 'ended', tool: terminal });
          return;
        }
        if (round >= this.options.maxToolRounds) {
          await onEvent({ kind: 'round_limit', rounds: round });
          return;
        }
      }
    } catch (error) {
      this.history.length = before;
      throw error;
    }
  }
}
