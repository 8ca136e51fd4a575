// The stateset-agents CLI as a child process, for benchmarks that time whole commands (each its own
// process, with its own ONNX Runtime threads), and the values its commands print.

import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const cliMain = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

/** Runs a CLI command in a child process, returning its stdout; throws with its stderr when it fails. */
export function cli(argv: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliMain, ...argv], {
      env: { ...process.env, STATESET_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve(stdout)
        : reject(new Error(`stateset-agents ${argv.join(' ')} exited ${code}:\n${stderr}`)),
    );
  });
}

/** The value printed after `label:` on a line of a command's output. */
export function printed(output: string, label: string): string {
  const line = output.split('\n').find((l) => l.startsWith(`${label}:`));
  if (line === undefined) throw new Error(`no "${label}:" line in:\n${output}`);
  return line.slice(label.length + 1).trim();
}
