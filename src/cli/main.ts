#!/usr/bin/env node
// The `stateset-agents` binary: dispatches to a command, resolves its flags from one zod schema
// (flags, --config file, STATESET_* environment) and turns failures into exit codes.

import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { resolveConfig } from '../config/schema-config.js';
import { StatesetError } from '../errors.js';
import { processIo, type CliIo } from './cli-io.js';
import { ENV_PREFIX } from './command.js';
import { positionalToFlag } from './positional-argument.js';
import { BINARY_NAME, commandNames, renderCommandHelp, renderUsage } from './help.js';
import { COMMANDS, findCommand } from './registry.js';
import { packageVersion } from './version.js';

/** Exit statuses: success, a failed run (including invalid flags), and an unknown command. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

const HELP_FLAGS = new Set(['--help', '-h']);
const VERSION_FLAGS = new Set(['--version', '-v']);

/**
 * Runs the CLI on `argv` (arguments after the script name) and returns the exit status. Failures are
 * written to `io.stderr`: a StatesetError as `error [code]: message`, anything else with its stack.
 */
export async function runCli(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (error) {
    if (error instanceof StatesetError) {
      io.stderr.write(`error [${error.code}]: ${error.message}\n`);
    } else {
      io.stderr.write(`error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    }
    return EXIT_FAILURE;
  }
}

async function dispatch(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || HELP_FLAGS.has(name)) {
    io.stdout.write(renderUsage(COMMANDS));
    return EXIT_OK;
  }
  if (VERSION_FLAGS.has(name)) {
    io.stdout.write(`${packageVersion()}\n`);
    return EXIT_OK;
  }
  if (name === 'help') return help(rest, io);
  const command = findCommand(name);
  if (command === undefined) return unknownCommand(name, io);
  if (rest.some((arg) => HELP_FLAGS.has(arg))) {
    io.stdout.write(renderCommandHelp(command));
    return EXIT_OK;
  }
  const flags = positionalToFlag(rest, command.positional);
  const config = resolveConfig({ schema: command.schema, argv: flags, env: io.env, envPrefix: ENV_PREFIX });
  if (!config.ok) {
    io.stderr.write(`error [${config.error.code}]: ${config.error.message}\n`);
    io.stderr.write(`Run "${BINARY_NAME} ${command.name} --help" to see its flags.\n`);
    return EXIT_FAILURE;
  }
  await command.run(config.value, io);
  return EXIT_OK;
}

function help(topics: readonly string[], io: CliIo): number {
  if (topics.length === 0) {
    io.stdout.write(renderUsage(COMMANDS));
    return EXIT_OK;
  }
  const command = topics.length === 1 ? findCommand(topics[0]) : undefined;
  if (command === undefined) return unknownCommand(topics.join(' '), io);
  io.stdout.write(renderCommandHelp(command));
  return EXIT_OK;
}

function unknownCommand(name: string, io: CliIo): number {
  io.stderr.write(
    `error: unknown command "${name}"; commands: ${commandNames(COMMANDS).join(', ')}\n` +
      `Run "${BINARY_NAME} help" for usage.\n`,
  );
  return EXIT_USAGE;
}

function invokedDirectly(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return import.meta.url === pathToFileURL(realpathSync(script)).href;
  } catch {
    return false;
  }
}

if (invokedDirectly()) {
  process.exitCode = await runCli(process.argv.slice(2));
}
