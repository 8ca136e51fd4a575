// The simulated user contract: open the conversation, then answer each assistant message, saying
// when the goal is met (τ-bench's `###STOP###`, Yao et al. 2024, arXiv:2406.12045).

/** The marker a simulated user emits when its goal is satisfied; it ends the episode. */
export const STOP_MARKER = '###STOP###';

/** True when a user message carries the stop marker. */
export function isStopMessage(content: string): boolean {
  return content.includes(STOP_MARKER);
}

/** What the simulated user said, and whether it ends the conversation. */
export type UserReply = {
  readonly content: string;
  readonly stop: boolean;
};

/** Options of `SimulatedUser.open`. */
export type UserOpenOptions = { readonly signal?: AbortSignal };

/** Options of `SimulatedUser.reply`. */
export type UserReplyOptions = {
  /** The assistant's latest text to the user. */
  readonly agentMessage: string;
  readonly signal?: AbortSignal;
};

/** A user simulator for one episode; it keeps its own view of the conversation. */
export interface SimulatedUser {
  /** The first user message, answering the agent's greeting. */
  open(options?: UserOpenOptions): Promise<UserReply>;
  /** The reply to the agent's latest message. */
  reply(options: UserReplyOptions): Promise<UserReply>;
}
