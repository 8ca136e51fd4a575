// What a live conversation's agent can act on: the tools, the system prompt, and fresh state per
// conversation (a copy of the retail database), so tool calls in chat and serving behave exactly as
// in training and evaluation. Used by the `chat` command and the server's conversations.

import type { AgentTurn } from '../agents/agent.js';
import type { ToolDefinition } from '../conversation/tool-definition.js';
import { EnvironmentError } from '../errors.js';
import { answerToolTurn, type ToolTurnAnswer } from './answer-tool-turn.js';
import { RETAIL_TERMINAL_TOOLS } from './retail/environment.js';
import { findRetailDataDir } from './retail/retail-data-dir.js';
import { freshDatabase, loadRetailData } from './retail/retail-data.js';
import { RETAIL_TOOLS } from './retail/retail-tools.js';
import { SUPPORT_LITE_POLICY } from './support-lite/texts.js';
import { freshWorld, SUPPORT_LITE_TOOLS } from './support-lite/tools.js';
import type { Tool } from './tool.js';

/** The worlds a conversation can run in: support-lite's 3 tools, τ-bench retail's 16 (both over the retail database), or none. */
export const CHAT_WORLD_NAMES = ['support-lite', 'retail', 'none'] as const;

/** One of `CHAT_WORLD_NAMES`. */
export type ChatWorldName = (typeof CHAT_WORLD_NAMES)[number];

/** Answers the tool calls of one assistant turn against the conversation's own state. */
export type ChatToolRunner = (turn: AgentTurn) => Promise<ToolTurnAnswer>;

/** The tools and prompt of a chat; `open` starts a conversation on fresh state. */
export type ChatWorld = {
  /** `support-lite`, `retail` or `none`. */
  readonly label: string;
  readonly tools: readonly ToolDefinition[];
  /** The conversation's system message; empty for none. */
  readonly systemPrompt: string;
  /** Tools whose call ends the conversation (a transfer to a human). */
  readonly terminalTools: readonly string[];
  /** A runner over fresh state. The tools are deterministic: the same calls in order rebuild the same state. */
  open(): ChatToolRunner;
};

/** A world over tools of one state type; the state stays inside `open`'s closure. */
export function createChatWorld<TState>(spec: {
  readonly label: string;
  readonly tools: readonly Tool<TState>[];
  readonly systemPrompt: string;
  readonly terminalTools: readonly string[];
  readonly freshState: () => TState;
}): ChatWorld {
  return {
    label: spec.label,
    tools: spec.tools,
    systemPrompt: spec.systemPrompt,
    terminalTools: spec.terminalTools,
    open: () => {
      const state = spec.freshState();
      return (turn) => answerToolTurn({ tools: spec.tools, state, turn });
    },
  };
}

/** Options of `loadChatWorld`. */
export type LoadChatWorldOptions = {
  readonly env: ChatWorldName;
  /** τ-bench retail data folder; empty or absent: $STATESET_TAU_RETAIL, else shared/tau-retail in or beside `root`. */
  readonly data?: string;
  /** System prompt; empty or absent: the world's own (support-lite's policy, retail's wiki, none for none). */
  readonly system?: string;
  /** Environment variables to find the data with; default none. */
  readonly processEnv?: Readonly<Record<string, string | undefined>>;
  /** Folder to look for shared/tau-retail in and beside; default the working directory. */
  readonly root?: string;
};

/**
 * The world `options.env`, loading the retail data for support-lite and retail. Throws
 * EnvironmentError('environment_data_invalid') when the data folder is missing or malformed.
 */
export async function loadChatWorld(options: LoadChatWorldOptions): Promise<ChatWorld> {
  const system = options.system ?? '';
  if (options.env === 'none') {
    return createChatWorld({
      label: 'none',
      tools: [],
      systemPrompt: system,
      terminalTools: [],
      freshState: () => undefined,
    });
  }
  const given = options.data ?? '';
  const dataDir =
    given !== ''
      ? given
      : findRetailDataDir({ root: options.root ?? process.cwd(), env: options.processEnv ?? {} });
  if (dataDir === undefined) {
    throw new EnvironmentError(
      'environment_data_invalid',
      'τ-bench retail data not found in or beside the working directory; pass --data DIR or set STATESET_TAU_RETAIL',
    );
  }
  const data = await loadRetailData(dataDir);
  if (options.env === 'retail') {
    return createChatWorld({
      label: 'retail',
      tools: RETAIL_TOOLS,
      systemPrompt: system !== '' ? system : data.policy,
      terminalTools: RETAIL_TERMINAL_TOOLS,
      freshState: () => freshDatabase(data),
    });
  }
  return createChatWorld({
    label: 'support-lite',
    tools: SUPPORT_LITE_TOOLS,
    systemPrompt: system !== '' ? system : SUPPORT_LITE_POLICY,
    terminalTools: ['transfer_to_human_agents'],
    freshState: () => freshWorld(data.database),
  });
}
