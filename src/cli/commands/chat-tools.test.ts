// `chat --env retail` with a scripted agent in place of the model: its tool calls run on a fresh
// copy of the real τ-bench retail database (shared/tau-retail), and the REPL shows what they return.

import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { AgentError } from '../../agents/agent-error.js';
import { ScriptedAgent, type ScriptedTurn } from '../../agents/scripted-agent.js';
import type { Message } from '../../conversation/messages.js';
import { formatToolCall } from '../../conversation/tool-call-format.js';
import { findRetailDataDir } from '../../environments/retail/retail-data-dir.js';
import { ChatConfigSchema } from './chat-config.js';
import { runChat } from './chat.js';

const ORDER = '#W5918442'; // pending in τ-bench's retail data
// The chat finds the data itself (no --data), as a user's would from the repository root.
if (findRetailDataDir({ root: process.cwd(), env: process.env }) === undefined) {
  throw new Error(
    'τ-bench retail data not found in or beside the working directory; set STATESET_TAU_RETAIL',
  );
}

/** Replies by what it was just told: a command word from the user, or a tool result. */
function supportScript(
  seen: Message[][],
): (input: { readonly messages: readonly Message[] }) => ScriptedTurn {
  return ({ messages }) => {
    seen.push([...messages]);
    const last = messages[messages.length - 1];
    const call = (name: string, args: Record<string, unknown>) => formatToolCall({ name, arguments: args });
    if (last.role === 'tool') {
      if (last.name === 'think') return call('think', { thought: 'still thinking' });
      const status = /"status": "(\w+)"/.exec(last.content)?.[1] ?? last.content;
      return `Order ${ORDER}: ${status}.`;
    }
    const [command, argument] = last.content.split(' ');
    switch (command) {
      case 'status':
        return call('get_order_details', { order_id: argument });
      case 'cancel':
        return call('cancel_pending_order', { order_id: argument, reason: 'no longer needed' });
      case 'ponder':
        return call('think', { thought: 'hmm' });
      case 'transfer':
        return call('transfer_to_human_agents', { summary: 'wants a human' });
      case 'garble':
        return '<tool_call>\nnot json\n</tool_call>';
      case 'paint':
        return 'now \x1b[2J\x1b[31mred\ttabbed';
      case 'boom':
        throw new AgentError('agent_failed', 'the scripted agent broke');
      default:
        return last.content.startsWith('Error:') ? 'Sorry, let me try again.' : `You said: ${last.content}`;
    }
  };
}

async function chatRetail(lines: string[], flags: Record<string, unknown> = {}) {
  const seen: Message[][] = [];
  let stdout = '';
  const config = ChatConfigSchema.parse({ env: 'retail', maxToolRounds: 3, ...flags });
  await runChat(
    config,
    {
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: () => true },
      stdin: Readable.from(lines.map((line) => `${line}\n`)),
      env: {},
    },
    {
      createAgent: () => ({
        agent: new ScriptedAgent({ turns: supportScript(seen) }),
        description: 'scripted agent',
        close: async () => {},
      }),
    },
  );
  return { stdout, seen };
}

/** Asserts `parts` appear in `text` in this order. */
function expectInOrder(text: string, parts: string[]): void {
  let from = 0;
  for (const part of parts) {
    const at = text.indexOf(part, from);
    expect(at, `"${part}" after offset ${from}`).toBeGreaterThanOrEqual(0);
    from = at + part.length;
  }
}

describe('stateset-agents chat --env retail (scripted agent)', () => {
  it('runs tool calls on the database, shows the results, and feeds them back for the answer', async () => {
    const { stdout, seen } = await chatRetail([`status ${ORDER}`]);
    expect(stdout).toContain('env retail: 16 tools (calculate, cancel_pending_order,');
    expectInOrder(stdout, [
      `you> status ${ORDER}\n`,
      `agent> [tool call] get_order_details {"order_id": "${ORDER}"}\n`,
      `tool> [get_order_details] {"order_id": "${ORDER}", "user_id": "sofia_rossi_8776"`,
      `agent> Order ${ORDER}: pending.\n`,
    ]);
    // The agent saw the retail wiki as system prompt, and the tool result before answering.
    expect(seen[0][0]).toMatchObject({ role: 'system', content: expect.stringContaining('retail agent') });
    expect(seen[1].at(-1)).toMatchObject({ role: 'tool', name: 'get_order_details' });
  });

  it('keeps changes within a conversation; /reset brings a fresh database', async () => {
    const { stdout } = await chatRetail([`cancel ${ORDER}`, `status ${ORDER}`, '/reset', `status ${ORDER}`]);
    expectInOrder(stdout, [
      `agent> [tool call] cancel_pending_order {"order_id": "${ORDER}", "reason": "no longer needed"}\n`,
      'tool> [cancel_pending_order] {',
      `agent> Order ${ORDER}: cancelled.\n`,
      `agent> Order ${ORDER}: cancelled.\n`,
      '(new conversation)\n',
      `agent> Order ${ORDER}: pending.\n`,
    ]);
  });

  it('gives the word back after --max-tool-rounds, and ends the conversation on a transfer', async () => {
    const { stdout } = await chatRetail(['ponder', 'transfer', 'hello?', '/reset', 'hello?']);
    expect(stdout.match(/\[tool call\] think/g)).toHaveLength(3);
    expectInOrder(stdout, [
      '(the agent called tools 3 times without answering; your turn)\n',
      'tool> [transfer_to_human_agents] Transfer successful\n',
      '(the agent called transfer_to_human_agents: the conversation is over; /reset starts a new one)\n',
      'you> hello?\n(the conversation is over; /reset starts a new one)\n',
      'you> hello?\nagent> You said: hello?\n',
    ]);
  });

  it('answers unparseable tool calls with an error the agent sees, and survives a failing turn', async () => {
    const { stdout, seen } = await chatRetail(['garble', 'boom', 'still there?', '/unknown']);
    expectInOrder(stdout, [
      'agent> <tool_call>\n',
      'tool> Error: 1 tool call(s) could not be parsed:\n',
      'agent> Sorry, let me try again.\n',
      'you> boom\nerror [agent_failed]: the scripted agent broke\n(that message was dropped; /reset starts over)\n',
      'agent> You said: still there?\n',
      'unknown command /unknown; /help lists the commands\n',
    ]);
    // The failed turn's message was dropped from the conversation the agent sees next.
    expect(seen.at(-1)?.some((message) => message.role === 'user' && message.content === 'boom')).toBe(false);
  });

  it('prints control characters in replies visibly, so output cannot drive the terminal', async () => {
    const { stdout } = await chatRetail(['paint']);
    expect(stdout).toContain('agent> now \\x1b[2J\\x1b[31mred\ttabbed\n');
    expect(stdout).not.toContain('\x1b');
  });
});
