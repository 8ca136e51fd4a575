// Vitest global setup: compiles the project into dist/ once per test run, so tests that start real
// processes (`serve` receiving SIGTERM, training-job workers) run the JavaScript a user would.

import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The compiled CLI entry point that process tests start. */
export const CLI_ENTRY = join(process.cwd(), 'dist', 'src', 'cli', 'main.js');

/** Builds dist/ with tsc; type errors are the type check's business, so only a missing output fails. */
export default async function setup(): Promise<void> {
  const tsc = join(process.cwd(), 'node_modules', 'typescript', 'bin', 'tsc');
  try {
    await run(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { maxBuffer: 64 * 1024 * 1024 });
  } catch {
    // tsc exits non-zero on type errors but still emits; the check below decides.
  }
  if (!existsSync(CLI_ENTRY))
    throw new Error(`test setup: building the project did not produce ${CLI_ENTRY}`);
}
