import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../engine/random.js';
import { saveCheckpoint } from '../../models/checkpoint.js';
import { BYTE_VOCAB_SIZE, DEFAULT_SPECIAL_TOKENS } from '../../models/tokenizers/byte-tokenizer.js';
import { initParameters } from '../../models/transformer-params.js';
import { resolveTransformerConfig } from '../../models/transformer-config.js';
import { runCli } from '../main.js';
import { CHAT_HELP } from './chat-repl.js';

/** A checkpoint of a freshly initialised byte-level model: it babbles, but through the real pipeline. */
async function writeTinyCheckpoint(contextLength: number): Promise<string> {
  const config = resolveTransformerConfig({
    vocabSize: BYTE_VOCAB_SIZE + DEFAULT_SPECIAL_TOKENS.length,
    contextLength,
    width: 16,
    layers: 1,
    heads: 2,
    mlpWidth: 32,
  });
  const checkpoint = join(await mkdtemp(join(tmpdir(), 'chat-')), 'tiny.safetensors');
  await saveCheckpoint(checkpoint, {
    config,
    parameters: initParameters(config, 0),
    adam: new Map(),
    step: 0,
    rng: new Rng(0).getState(),
  });
  return checkpoint;
}

/** Runs the binary in-process with these lines on stdin. */
async function chat(argv: string[], lines: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(['chat', ...argv], {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    stdin: Readable.from(lines.map((line) => `${line}\n`)),
    env: {},
  });
  return { code, stdout, stderr };
}

const count = (text: string, part: string) => text.split(part).length - 1;

describe('stateset-agents chat with a checkpoint', () => {
  it('prints a reply to each message, handles /help, /reset and /exit', async () => {
    const checkpoint = await writeTinyCheckpoint(64);
    const args = ['--checkpoint', checkpoint, '--env', 'none', '--max-new-tokens', '6'];
    const run = await chat(args, ['hello', '/help', '/reset', 'again', '/exit', 'never read']);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(
      /^chat: 7,504-parameter model .*tiny\.safetensors \(context 64 tokens\)\nenv none: no tools\n/,
    );
    expect(run.stdout).toContain('you> hello\nagent> ');
    expect(run.stdout).toContain('you> again\nagent> ');
    expect(count(run.stdout, '\nagent> ')).toBe(2);
    expect(run.stdout).toContain(CHAT_HELP);
    expect(run.stdout).toContain('you> /reset\n(new conversation)\n');
    expect(run.stdout).toMatch(/you> \/exit\n$/);
    expect(run.stdout).not.toContain('never read');
  });

  it('samples the same replies again from the same seed, and ends at the end of input', async () => {
    const checkpoint = await writeTinyCheckpoint(64);
    const args = ['--checkpoint', checkpoint, '--env', 'none', '--max-new-tokens', '6', '--temperature', '1'];
    const first = await chat([...args, '--seed', '3'], ['hi', 'and?']);
    const second = await chat([...args, '--seed', '3'], ['hi', 'and?']);
    expect(second.stdout).toBe(first.stdout);
    expect(first.stdout).toMatch(/you> \n$/);
  });

  it('shows the support-lite tools and answers with the policy and tools in the prompt', async () => {
    const checkpoint = await writeTinyCheckpoint(1024);
    const run = await chat(
      ['--checkpoint', checkpoint, '--max-new-tokens', '4'],
      ['Where is order #W5918442?'],
    );
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toContain(
      'env support-lite: 3 tools (get_order_details, cancel_pending_order, transfer_to_human_agents)',
    );
    expect(count(run.stdout, '\nagent> ')).toBeGreaterThanOrEqual(1);
  });

  it('reports a conversation that outgrows the context, and carries on', async () => {
    const checkpoint = await writeTinyCheckpoint(64);
    const args = ['--checkpoint', checkpoint, '--env', 'none', '--max-new-tokens', '4'];
    const run = await chat([...args, '--system', 'x'.repeat(200)], ['hello', '/exit']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /error \[sequence_too_long\]: .*\n\(that message was dropped; \/reset starts over\)\n/,
    );
  });

  it('exits 1 without a checkpoint, or with one that does not exist', async () => {
    const none = await chat([], []);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/^error \[invalid_config\]: chat needs --checkpoint FILE/);
    const missing = await chat(
      ['--checkpoint', join(tmpdir(), 'no-such-checkpoint.safetensors'), '--env', 'none'],
      [],
    );
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^error \[checkpoint_not_found\]/);
    const both = await chat(['--checkpoint', 'a.safetensors', '--model', 'models/x', '--env', 'none'], []);
    expect(both.stderr).toMatch(
      /^error \[invalid_config\]: chat needs --checkpoint FILE or --model DIR \(one of them\)/,
    );
    const adapterAlone = await chat(['--checkpoint', 'a.safetensors', '--adapter', 'x', '--env', 'none'], []);
    expect(adapterAlone.stderr).toMatch(/^error \[invalid_config\]: flag --adapter needs --model DIR/);
  });
});
