// Help text of the binary: the command list, and one command's flags rendered from its schema.

import { renderHelp } from '../config/help-text.js';
import { ENV_PREFIX, type Command } from './command.js';
import { positionalUsage } from './positional-argument.js';

/** The binary's name, as users type it. */
export const BINARY_NAME = 'stateset-agents';

/** The names `runCli` accepts as a first argument, for error messages. */
export function commandNames(commands: readonly Command[]): string[] {
  return [...commands.map((command) => command.name), 'help'];
}

/** The binary's overview: usage, every command with its summary, and the global flags. */
export function renderUsage(commands: readonly Command[]): string {
  const rows = [
    ...commands.map((command) => [command.name, command.summary]),
    ['help', `Show this text, or a command's flags: ${BINARY_NAME} help <command>.`],
  ];
  const width = Math.max(...rows.map(([name]) => name.length));
  return [
    `Usage: ${BINARY_NAME} <command> [flags]`,
    '',
    'Commands:',
    ...rows.map(([name, summary]) => `  ${name.padEnd(width)}  ${summary}`),
    '',
    'Flags:',
    '  --help, -h     Show help; after a command, its flags.',
    '  --version, -v  Print the version.',
    '',
    `Every command reads flags, a JSON file (--config FILE) and ${ENV_PREFIX}* environment variables;`,
    'flags override the environment, which overrides the file.',
    '',
  ].join('\n');
}

/** One command's help: its summary, then each flag with its type, default and environment variable. */
export function renderCommandHelp(command: Command): string {
  const flags = renderHelp({
    schema: command.schema,
    usage: `Usage: ${BINARY_NAME} ${command.name}${positionalUsage(command.positional)} [flags]`,
    envPrefix: ENV_PREFIX,
  });
  return `${command.summary}\n\n${flags}`;
}
