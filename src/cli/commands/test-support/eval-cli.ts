// Running `eval` in-process for the command's tests: captured output, the printed table's rows,
// and the shape of the results file.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCliCaptured } from '../../test-support/run-cli-captured.js';

/** Runs the CLI in-process with logs silenced. */
export const cli = runCliCaptured;

/** stderr without the progress lines a run longer than two seconds writes. */
export function problems(stderr: string): string {
  return stderr.replace(/^eval: \d+\/\d+ episodes.*\n/gm, '');
}

/** The value of a row of the printed table, e.g. `row(out, 'pass^2')`. */
export function row(stdout: string, name: string): string {
  const escaped = name.replace(/[\^]/g, '\\^');
  const match = new RegExp(`^${escaped} +(.+)$`, 'm').exec(stdout);
  if (match === null) throw new Error(`no row "${name}" in:\n${stdout}`);
  return match[1];
}

/** The numeric value of a row of the printed table. */
export function number(stdout: string, name: string): number {
  return Number.parseFloat(row(stdout, name));
}

/** A fresh temporary folder. */
export const temp = () => mkdtempSync(join(tmpdir(), 'eval-'));

/** The parts of an eval results file the tests read. */
export type Results = {
  options: Record<string, unknown>;
  run: { environment: string; split: string; agent: string };
  summary: { tasks: number; trials: number; episodes: number; successRate: number; passHatK: number[] };
  metrics: Record<string, number>;
  tasks: { scenarioId: string; trials: { success: boolean; reward: number; stopReason: string }[] }[];
};
