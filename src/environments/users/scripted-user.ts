// A deterministic simulated user driven by a scenario: it opens with its request, answers what the
// agent asks from the facts it knows, admits what it does not know, and stops per its script.

import { Rng } from '../../engine/random.js';
import { EnvironmentError } from '../../errors.js';
import { STOP_MARKER, type SimulatedUser, type UserReply, type UserReplyOptions } from './simulated-user.js';

/** Matches the agent's text: a string is a case-insensitive substring, a RegExp is tested as is. */
export type AgentTextPattern = string | RegExp;

/** A scripted intent: when the agent's text matches, reply with one of the variants. */
export type ScriptRule = {
  readonly id: string;
  readonly when: readonly AgentTextPattern[];
  /** The rule does not fire when one of these also matches (e.g. "confirm your email" is not a yes/no). */
  readonly unless?: readonly AgentTextPattern[];
  /** Phrasing variants, one picked with the seeded Rng. */
  readonly replies: readonly string[];
  /** This reply ends the conversation (the stop marker is appended). */
  readonly stop?: boolean;
  /** Fire at most this many times; unlimited by default. */
  readonly maxUses?: number;
};

/** A fact the user knows and tells when asked; `{value}` in a reply is replaced by the value. */
export type UserFact = {
  readonly name: string;
  readonly value: string;
  readonly askedBy: readonly AgentTextPattern[];
  /** Phrasing variants; default `['{value}']`. */
  readonly replies?: readonly string[];
};

/** A fact the user does not know: asked for it, the user says so instead of inventing one. */
export type UnknownFact = {
  readonly name: string;
  readonly askedBy: readonly AgentTextPattern[];
  /** Phrasing variants; default `["Sorry, I don't know my {name}."]`. */
  readonly replies?: readonly string[];
};

/** Everything a scripted user is: who it is, what it wants, what it knows, how it answers. */
export type UserScenario = {
  readonly persona: string;
  readonly goal: string;
  /** Variants of the first message. */
  readonly opening: readonly string[];
  readonly knownFacts?: readonly UserFact[];
  readonly unknownFacts?: readonly UnknownFact[];
  /** Intents checked in order before the facts; the first match answers. */
  readonly script?: readonly ScriptRule[];
  /** When nothing matches; default: thank the agent and stop. */
  readonly fallback?: { readonly replies: readonly string[]; readonly stop: boolean };
  /** The user gives up and stops after this many replies; default 30. */
  readonly maxReplies?: number;
};

/** Options of the ScriptedUser constructor. */
export type ScriptedUserOptions = {
  readonly scenario: UserScenario;
  /** Seeds the choice of phrasing variants. */
  readonly seed: number;
};

const DEFAULT_FALLBACK = { replies: ['Thanks, that is all I needed.'], stop: true } as const;
const DEFAULT_MAX_REPLIES = 30;

/** A deterministic SimulatedUser: the same scenario, seed and agent texts give the same replies. */
export class ScriptedUser implements SimulatedUser {
  private readonly scenario: UserScenario;
  private readonly rng: Rng;
  private readonly uses = new Map<string, number>();
  private readonly revealed = new Set<string>();
  private replies = 0;
  private stopped = false;

  constructor(options: ScriptedUserOptions) {
    validateScenario(options.scenario);
    this.scenario = options.scenario;
    this.rng = new Rng(options.seed);
  }

  /** Names of the known facts told so far, in the order first told. */
  revealedFacts(): readonly string[] {
    return [...this.revealed];
  }

  /** The opening request. */
  async open(): Promise<UserReply> {
    return { content: this.pick(this.scenario.opening), stop: false };
  }

  /** Answers from the script, then known facts (all that were asked), then unknown facts, else the fallback. */
  async reply(options: UserReplyOptions): Promise<UserReply> {
    if (this.stopped) return { content: STOP_MARKER, stop: true };
    this.replies++;
    const text = options.agentMessage;
    const rule = (this.scenario.script ?? []).find(
      (candidate) =>
        matchesAny(text, candidate.when) &&
        !matchesAny(text, candidate.unless ?? []) &&
        (this.uses.get(candidate.id) ?? 0) < (candidate.maxUses ?? Infinity),
    );
    if (rule !== undefined) {
      this.uses.set(rule.id, (this.uses.get(rule.id) ?? 0) + 1);
      return this.say(this.pick(rule.replies), rule.stop === true);
    }
    const facts = (this.scenario.knownFacts ?? []).filter((fact) => matchesAny(text, fact.askedBy));
    if (facts.length > 0) {
      const parts = facts.map((fact) => {
        this.revealed.add(fact.name);
        return this.pick(fact.replies ?? ['{value}']).replaceAll('{value}', fact.value);
      });
      return this.say(parts.join(' '), false);
    }
    const unknown = (this.scenario.unknownFacts ?? []).find((fact) => matchesAny(text, fact.askedBy));
    if (unknown !== undefined) {
      const variants = unknown.replies ?? ["Sorry, I don't know my {name}."];
      return this.say(this.pick(variants).replaceAll('{name}', unknown.name), false);
    }
    const fallback = this.scenario.fallback ?? DEFAULT_FALLBACK;
    return this.say(this.pick(fallback.replies), fallback.stop);
  }

  private say(content: string, stop: boolean): UserReply {
    const limit = this.scenario.maxReplies ?? DEFAULT_MAX_REPLIES;
    const ending = stop || this.replies >= limit;
    if (!ending) return { content, stop: false };
    this.stopped = true;
    return { content: content.includes(STOP_MARKER) ? content : `${content} ${STOP_MARKER}`, stop: true };
  }

  private pick(variants: readonly string[]): string {
    return variants[this.rng.int(variants.length)];
  }
}

/** True when `text` matches one of the patterns. */
export function matchesAny(text: string, patterns: readonly AgentTextPattern[]): boolean {
  const lower = text.toLowerCase();
  return patterns.some((pattern) =>
    typeof pattern === 'string' ? lower.includes(pattern.toLowerCase()) : new RegExp(pattern).test(text),
  );
}

function validateScenario(scenario: UserScenario): void {
  const empty = (variants: readonly string[] | undefined) => variants !== undefined && variants.length === 0;
  const problems: string[] = [];
  if (scenario.opening.length === 0) problems.push('opening has no variants');
  for (const rule of scenario.script ?? [])
    if (empty(rule.replies)) problems.push(`rule ${rule.id} has no replies`);
  for (const fact of scenario.knownFacts ?? [])
    if (empty(fact.replies)) problems.push(`fact ${fact.name} has no replies`);
  for (const fact of scenario.unknownFacts ?? [])
    if (empty(fact.replies)) problems.push(`fact ${fact.name} has no replies`);
  if (empty(scenario.fallback?.replies)) problems.push('fallback has no replies');
  if (problems.length > 0) {
    throw new EnvironmentError('environment_data_invalid', `invalid user scenario: ${problems.join('; ')}`);
  }
}
