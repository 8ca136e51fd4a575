// The chat read-eval-print loop: reads lines from an injectable input stream, sends them to the
// session, and prints replies, tool calls and tool results; `/reset`, `/exit` and `/help` steer it.

import { createInterface } from 'node:readline';
import { toJsonText } from '../../conversation/json-text.js';
import type { Message } from '../../conversation/messages.js';
import { StatesetError } from '../../errors.js';
import type { CliOutput } from '../cli-io.js';
import type { ChatEvent, ChatSession } from './chat-session.js';

/** Shown before each line the user types. */
export const CHAT_PROMPT = 'you> ';

/** What `/help` prints. */
export const CHAT_HELP = [
  'Type a message and press Enter. Commands:',
  '  /reset  start a new conversation (fresh database copy and sampling stream)',
  '  /help   show this text',
  '  /exit   leave (so does end of input, Ctrl-D)',
  '',
].join('\n');

/** Options of `runChatRepl`. */
export type ChatReplOptions = {
  /** Lines typed by the user: `process.stdin`, or a stream in tests. */
  readonly input: NodeJS.ReadableStream;
  readonly output: CliOutput;
  readonly session: ChatSession;
  /** Printed once at the start. */
  readonly banner: string;
};

/**
 * Runs until `/exit` or the end of input. A StatesetError in a turn (the conversation outgrew the
 * model's context, say) is printed and the turn dropped; any other error is a bug and propagates.
 */
export async function runChatRepl(options: ChatReplOptions): Promise<void> {
  const { input, output, session } = options;
  // A terminal echoes what is typed; piped input is echoed so the transcript reads as a dialogue.
  const echo = (input as { readonly isTTY?: boolean }).isTTY !== true;
  const lines = createInterface({ input, crlfDelay: Infinity, terminal: false });
  output.write(options.banner);
  output.write(CHAT_PROMPT);
  let exited = false;
  try {
    for await (const raw of lines) {
      if (echo) output.write(`${raw}\n`);
      if (!(await handleLine(raw.trim(), session, output))) {
        exited = true;
        break;
      }
      output.write(CHAT_PROMPT);
    }
  } finally {
    lines.close();
  }
  if (!exited) output.write('\n');
}

/** Handles one line; false means leave. */
async function handleLine(line: string, session: ChatSession, output: CliOutput): Promise<boolean> {
  if (line === '') return true;
  if (line === '/exit' || line === '/quit') return false;
  if (line === '/help') {
    output.write(CHAT_HELP);
    return true;
  }
  if (line === '/reset') {
    session.reset();
    output.write('(new conversation)\n');
    return true;
  }
  if (line.startsWith('/')) {
    output.write(`unknown command ${line.split(/\s/)[0]}; /help lists the commands\n`);
    return true;
  }
  if (session.ended) {
    output.write('(the conversation is over; /reset starts a new one)\n');
    return true;
  }
  try {
    await session.send(line, (event) => {
      output.write(formatEvent(event));
    });
  } catch (error) {
    if (!(error instanceof StatesetError)) throw error;
    output.write(
      `error [${error.code}]: ${printable(error.message)}\n(that message was dropped; /reset starts over)\n`,
    );
  }
  return true;
}

/** One event as printed lines: `agent> …`, `agent> [tool call] …`, `tool> […] …`. */
export function formatEvent(event: ChatEvent): string {
  switch (event.kind) {
    case 'assistant': {
      const { content, toolCalls = [] } = event.message;
      const lines: string[] = [];
      if (content !== '' || toolCalls.length === 0)
        lines.push(labelled('agent', content === '' ? '(empty reply)' : content));
      for (const call of toolCalls) {
        lines.push(labelled('agent', `[tool call] ${call.name} ${toJsonText(call.arguments)}`));
      }
      return lines.join('');
    }
    case 'tool':
      return labelled('tool', toolText(event.message));
    case 'round_limit':
      return `(the agent called tools ${event.rounds} times without answering; your turn)\n`;
    case 'ended':
      return `(the agent called ${event.tool}: the conversation is over; /reset starts a new one)\n`;
  }
}

function toolText(message: Message): string {
  if (message.role !== 'tool') return message.content; // the answer to unparseable tool calls
  return `[${message.name}${message.isError === true ? ' error' : ''}] ${message.content}`;
}

/** `name> text`, later lines indented under the first; control characters made visible. */
function labelled(name: string, text: string): string {
  const prefix = `${name}> `;
  return `${prefix}${printable(text).replace(/\n/g, `\n${' '.repeat(prefix.length)}`)}\n`;
}

/**
 * `text` with control characters other than newline and tab written as `\xNN`: model output and tool
 * results are untrusted, and an escape sequence could otherwise rewrite the user's terminal.
 */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (character) => {
    return `\\x${character.charCodeAt(0).toString(16).padStart(2, '0')}`;
  });
}
