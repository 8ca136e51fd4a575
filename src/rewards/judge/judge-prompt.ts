// The group judge's prompt, after RULER (OpenPipe, 2025): the rubric and every trajectory of a group
// in one message, in a seeded shuffled order with opaque ids, so the judge scores them relative to
// each other and their position in the group tells it nothing.

import type { Message } from '../../conversation/messages.js';
import type { Trajectory } from '../../conversation/trajectory.js';
import { Rng } from '../../engine/random.js';

/** Bumped whenever the prompt's wording or layout changes; part of every cache key. */
export const JUDGE_PROMPT_VERSION = 1;

/** A chat message sent to the judge. */
export type JudgeMessage = { readonly role: 'system' | 'user'; readonly content: string };

/** The prompt, and which original trajectory each id stands for. */
export type JudgePrompt = {
  readonly messages: readonly JudgeMessage[];
  /** Ids in the order shown; `ids[i]` names trajectory `order[i]`. */
  readonly ids: readonly string[];
  /** `order[i]` is the index, in the input, of the i-th trajectory shown. */
  readonly order: readonly number[];
};

/** Options of `buildJudgePrompt`. */
export type JudgePromptOptions = {
  readonly rubric: string;
  readonly trajectories: readonly Trajectory[];
  /** Seeds the shuffle together with `shuffleKey`. */
  readonly seed: number;
  /** Mixed into the shuffle so that different groups get different orders (a content hash). */
  readonly shuffleKey: string;
  readonly maxMessageChars: number;
};

const JUDGE_INSTRUCTIONS = `You are an impartial judge of customer-service conversations between an AI agent and a customer.
You see several conversations in which the agent handled the same scenario. Compare them with each other and score each one from 0 (worst) to 1 (best) against the rubric. Use the whole range where the conversations differ; give equal scores only to conversations of equal quality. The order in which they are shown means nothing.
Answer with JSON only, in exactly this form, with one entry for every conversation id:
{"scores": [{"id": "<id>", "score": <number from 0 to 1>, "explanation": "<one short sentence>"}]}`;

/** The prompt for one group; a single trajectory gets the same format with one id. */
export function buildJudgePrompt(options: JudgePromptOptions): JudgePrompt {
  const { trajectories, maxMessageChars } = options;
  const order = new Rng(options.seed).fork(options.shuffleKey).shuffle(trajectories.map((_, index) => index));
  const ids = order.map((_, position) => `t${position + 1}`);
  const sharedSystem = sharedSystemPrompt(trajectories);
  const sections = [`Rubric:\n${options.rubric.trim()}`];
  if (sharedSystem !== undefined) {
    sections.push(
      `System prompt the agent was given in every conversation:\n${clip(sharedSystem, maxMessageChars)}`,
    );
  }
  sections.push(`Conversations (${trajectories.length}):`);
  order.forEach((index, position) => {
    const body = serialiseConversation(trajectories[index], {
      maxMessageChars,
      skipSystem: sharedSystem !== undefined,
    });
    sections.push(`<conversation id="${ids[position]}">\n${body}\n</conversation>`);
  });
  sections.push(`Score every conversation: ${ids.join(', ')}.`);
  return {
    messages: [
      { role: 'system', content: JUDGE_INSTRUCTIONS },
      { role: 'user', content: sections.join('\n\n') },
    ],
    ids,
    order,
  };
}

/** One line per message: `user: …`, `assistant: …`, `assistant → tool({json})`, `tool name [error]: …`. */
export function serialiseConversation(
  trajectory: Trajectory,
  options: { readonly maxMessageChars: number; readonly skipSystem?: boolean },
): string {
  const lines: string[] = [];
  trajectory.messages.forEach((message, index) => {
    if (message.role === 'system' && options.skipSystem === true && index === 0) return;
    lines.push(...messageLines(message, options.maxMessageChars));
  });
  return lines.join('\n');
}

function messageLines(message: Message, maxChars: number): string[] {
  switch (message.role) {
    case 'system':
    case 'user':
      return [`${message.role}: ${clip(message.content, maxChars)}`];
    case 'assistant': {
      const text = message.content.trim() === '' ? [] : [`assistant: ${clip(message.content, maxChars)}`];
      const calls = (message.toolCalls ?? []).map(
        (call) => `assistant → ${call.name}(${clip(JSON.stringify(call.arguments), maxChars)})`,
      );
      return [...text, ...calls];
    }
    case 'tool':
      return [
        `tool ${message.name}${message.isError === true ? ' [error]' : ''}: ${clip(message.content, maxChars)}`,
      ];
  }
}

/** The first message's text when every trajectory opens with the same system message. */
function sharedSystemPrompt(trajectories: readonly Trajectory[]): string | undefined {
  const firsts = trajectories.map((trajectory) => trajectory.messages[0]);
  const first = firsts[0];
  if (first?.role !== 'system') return undefined;
  return firsts.every((message) => message?.role === 'system' && message.content === first.content)
    ? first.content
    : undefined;
}

function clip(text: string, maxChars: number): string {
  const characters = [...text];
  if (characters.length <= maxChars) return text;
  return `${characters.slice(0, maxChars).join('')}… [${characters.length - maxChars} more characters]`;
}
