// What a chat's agent can act on: the tools, the system prompt, and a fresh copy of the retail
// database per conversation, so tool calls in chat behave exactly as in training and evaluation.

import type { AgentTurn } from '../../agents/agent.js';
import type { ToolDefinition } from '../../conversation/tool-definition.js';
import { EnvironmentError } from '../../errors.js';
import { answerToolTurn, type ToolTurnAnswer } from '../../environments/answer-tool-turn.js';
import { RETAIL_TERMINAL_TOOLS } from '../../environments/retail/environment.js';
import { findRetailDataDir } from '../../environments/retail/retail-data-dir.js';
import { freshDatabase, loadRetailData } from '../../environments/retail/retail-data.js';
import { RETAIL_TOOLS } from '../../environments/retail/retail-tools.js';
import { SUPPORT_LITE_POLICY } from '../../environments/support-lite/texts.js';
import { freshWorld, SUPPORT_LITE_TOOLS } from '../../environments/support-lite/tools.js';
import type { Tool } from '../../environments/tool.js';
import type { ChatConfig } from './chat-config.js';

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

/**
 * The world of `config.env`, loading the retail data for support-lite and retail. Throws
 * EnvironmentError('environment_data_invalid') when the data folder is missing or malformed.
 */
export async function loadChatWorld(
  config: Pick<ChatConfig, 'env' | 'data' | 'system'>,
  processEnv: Readonly<Record<string, string | undefined>>,
): Promise<ChatWorld> {
  if (config.env === 'none') {
    return createChatWorld({
      label: 'none',
      tools: [],
      systemPrompt: config.system,
      terminalTools: [],
      freshState: () => undefined,
    });
  }
  const dataDir =
    config.data !== '' ? config.data : findRetailDataDir({ root: process.cwd(), env: processEnv });
  if (dataDir === undefined) {
    throw new EnvironmentError(
      'environment_data_invalid',
      'τ-bench retail data not found in or beside the working directory; pass --data DIR or set STATESET_TAU_RETAIL',
    );
  }
  const data = await loadRetailData(dataDir);
  if (config.env === 'retail') {
    return createChatWorld({
      label: 'retail',
      tools: RETAIL_TOOLS,
      systemPrompt: config.system !== '' ? config.system : data.policy,
      terminalTools: RETAIL_TERMINAL_TOOLS,
      freshState: () => freshDatabase(data),
    });
  }
  return createChatWorld({
    label: 'support-lite',
    tools: SUPPORT_LITE_TOOLS,
    systemPrompt: config.system !== '' ? config.system : SUPPORT_LITE_POLICY,
    terminalTools: ['transfer_to_human_agents'],
    freshState: () => freshWorld(data.database),
  });
}
