// `stateset-agents chat --checkpoint FILE [--env support-lite|retail|none]`: talk to a trained
// byte-level model; its tool calls run on a fresh retail database and the results go back to it.

import type { CliIo } from '../cli-io.js';
import { defineCommand } from '../command.js';
import { ChatConfigSchema, type ChatConfig } from './chat-config.js';
import { checkpointChatAgent, type ChatAgentFactory } from './chat-model.js';
import { runChatRepl } from './chat-repl.js';
import { ChatSession } from './chat-session.js';
import { loadChatWorld, type ChatWorld } from '../../environments/chat-world.js';

/** Options of `runChat` beyond the configuration. */
export type RunChatOptions = {
  /** Makes the agent; default the checkpoint's model (`checkpointChatAgent`). */
  readonly createAgent?: ChatAgentFactory;
};

/** Loads the world and agent, then runs the REPL on `io.stdin` (default `process.stdin`) until /exit or end of input. */
export async function runChat(config: ChatConfig, io: CliIo, options: RunChatOptions = {}): Promise<void> {
  const world = await loadChatWorld({
    env: config.env,
    data: config.data,
    system: config.system,
    processEnv: io.env,
  });
  const chatAgent = await (options.createAgent ?? checkpointChatAgent)({ config, world });
  try {
    const session = new ChatSession({ agent: chatAgent.agent, world, maxToolRounds: config.maxToolRounds });
    await runChatRepl({
      input: io.stdin ?? process.stdin,
      output: io.stdout,
      session,
      banner: banner(config, world, chatAgent.description),
    });
  } finally {
    await chatAgent.close();
  }
}

function banner(config: ChatConfig, world: ChatWorld, description: string): string {
  const tools =
    world.tools.length === 0
      ? 'no tools'
      : `${world.tools.length} tools (${world.tools.map((tool) => tool.name).join(', ')}) on a fresh copy of the retail database per conversation`;
  return (
    `chat: ${description}\n` +
    `env ${world.label}: ${tools}\n` +
    `temperature ${config.temperature}, up to ${config.maxNewTokens} tokens a reply, seed ${config.seed}. ` +
    'Type /help for commands.\n'
  );
}

/** The `chat` command. */
export const chatCommand = defineCommand({
  name: 'chat',
  summary: 'Chat with a trained checkpoint in the terminal; its tool calls run against the retail database.',
  schema: ChatConfigSchema,
  run: (config, io) => runChat(config, io),
});
