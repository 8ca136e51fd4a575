// Every command of the `stateset-agents` binary, in the order `help` lists them.

import type { Command } from './command.js';
import { chatCommand } from './commands/chat.js';
import { evalCommand } from './commands/eval.js';
import { exportCommand } from './commands/export.js';
import { lmDemoCommand } from './commands/lm-demo.js';
import { quickstartCommand } from './commands/quickstart.js';
import { reportCommand } from './commands/report.js';
import { serveCommand } from './commands/serve.js';
import { sftCommand } from './commands/sft.js';
import { tauReplayCommand } from './commands/tau-replay.js';
import { trainCommand } from './commands/train.js';

/** The commands `runCli` dispatches to. */
export const COMMANDS: readonly Command[] = [
  quickstartCommand,
  sftCommand,
  trainCommand,
  evalCommand,
  reportCommand,
  chatCommand,
  serveCommand,
  exportCommand,
  tauReplayCommand,
  lmDemoCommand,
];

/** The command called `name`, or undefined. */
export function findCommand(name: string): Command | undefined {
  return COMMANDS.find((command) => command.name === name);
}
