// Test support: the CLI run in-process, its output captured and logs silenced, as every command test
// and end-to-end test runs it.

import { runCli } from '../main.js';

/** What a CLI run printed, and its exit code. */
export type Captured = { code: number; stdout: string; stderr: string };

/** Runs `stateset-agents argv` in-process; `env` adds to (or overrides) STATESET_LOG_LEVEL=silent. */
export async function runCliCaptured(
  argv: readonly string[],
  env: Readonly<Record<string, string>> = {},
): Promise<Captured> {
  let stdout = '';
  let stderr = '';
  const code = await runCli([...argv], {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env: { STATESET_LOG_LEVEL: 'silent', ...env },
  });
  return { code, stdout, stderr };
}
