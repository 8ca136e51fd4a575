// The `stateset-agents` binary run in-process through runCli: lm-demo trains, samples and saves a
// checkpoint that loads; usage mistakes give the documented exit codes and messages.

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliCaptured } from '../../src/cli/test-support/run-cli-captured.js';
import { COMMANDS } from '../../src/cli/registry.js';
import { loadCheckpoint } from '../../src/models/checkpoint.js';
import { resolveTransformerConfig } from '../../src/models/transformer-config.js';

const cli = runCliCaptured;

describe('stateset-agents lm-demo', () => {
  it('trains below the uniform baseline, samples three replies and saves a loadable checkpoint', async () => {
    const out = mkdtempSync(join(tmpdir(), 'lm-demo-'));
    const run = await cli(['lm-demo', '--steps', '30', '--out', out, '--seed', '1']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);

    const final = /final loss (\d+\.\d+)/.exec(run.stdout);
    const baseline = /uniform baseline ln\((\d+)\) = (\d+\.\d+)/.exec(run.stdout);
    expect(final).not.toBeNull();
    expect(baseline).not.toBeNull();
    expect(Number(baseline![2])).toBeCloseTo(Math.log(Number(baseline![1])), 3);
    expect(Number(final![1])).toBeLessThan(Number(baseline![2]) - 1);
    expect(run.stdout).toMatch(/step 30\/30/);

    const samples = run.stdout.match(/^sample \d: Customer: .+\n {10}Agent:.*$/gm) ?? [];
    expect(samples).toHaveLength(3);

    const checkpoint = /^checkpoint: (.+)$/m.exec(run.stdout)![1];
    const configFile = /^config: +(.+)$/m.exec(run.stdout)![1];
    expect(checkpoint.startsWith(join(out, 'lm-demo-'))).toBe(true);
    const saved = JSON.parse(readFileSync(configFile, 'utf8')) as { options: unknown; model: unknown };
    expect(saved.options).toMatchObject({ steps: 30, seed: 1, out });
    const state = await loadCheckpoint(checkpoint, resolveTransformerConfig(saved.model));
    expect(state.step).toBe(30);
    expect(state.config.vocabSize).toBe(Number(baseline![1]));
  });

  it('is deterministic for a seed', async () => {
    const runs = await Promise.all(
      [0, 1].map(() =>
        cli(['lm-demo', '--steps', '3', '--out', mkdtempSync(join(tmpdir(), 'qs-')), '--seed', '7']),
      ),
    );
    const lossesAndSamples = (text: string) =>
      text.split('\n').filter((line) => /^(final loss|sample|\s+Agent)/.test(line));
    expect(lossesAndSamples(runs[0].stdout)).toEqual(lossesAndSamples(runs[1].stdout));
    expect(lossesAndSamples(runs[0].stdout)).toHaveLength(8); // final loss, the samples header, three prompts, three replies
  });

  it('prints its flags with defaults and environment variables for --help', async () => {
    const run = await cli(['lm-demo', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Train a tiny language model .*: the engine on its own/);
    expect(run.stdout).toMatch(/--seconds <number> +Time budget .*\(default: 20; env: STATESET_SECONDS\)/);
    expect(run.stdout).toMatch(/--steps <integer> .*\(default: 0;/);
    expect(run.stdout).toMatch(/--out <string> .*\(default: "runs";/);
    expect(run.stdout).toMatch(/--config <file>/);
    expect((await cli(['help', 'lm-demo'])).stdout).toBe(run.stdout);
  });
});

describe('stateset-agents usage errors', () => {
  it('exits 2 for an unknown command and lists the commands', async () => {
    const run = await cli(['frobnicate']);
    expect(run.code).toBe(2);
    const names = [...COMMANDS.map((command) => command.name), 'help'].join(', ');
    expect(run.stderr).toContain(`unknown command "frobnicate"; commands: ${names}`);
    expect(names).toMatch(/^quickstart, .*eval.*, lm-demo, help$/);
    expect(run.stdout).toBe('');
    expect((await cli(['help', 'frobnicate'])).code).toBe(2);
  });

  it('exits 1 with invalid_config naming a malformed or unknown flag', async () => {
    const malformed = await cli(['lm-demo', '--steps', 'abc']);
    expect(malformed.code).toBe(1);
    expect(malformed.stderr).toMatch(/^error \[invalid_config\]: flag --steps: expected a number, got "abc"/);
    const unknown = await cli(['lm-demo', '--nope']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^error \[invalid_config\]: unknown flag --nope; valid flags: --seconds/);
    const rejected = await cli(['lm-demo', '--seconds', '-3']);
    expect(rejected.stderr).toMatch(/error \[invalid_config\]: invalid configuration: flag --seconds: /);
  });

  it('reads STATESET_ variables and --config files, and names them when they are wrong', async () => {
    const env = await cli(['lm-demo'], { STATESET_STEPS: 'many' });
    expect(env.code).toBe(1);
    expect(env.stderr).toMatch(/error \[invalid_config\]: env STATESET_STEPS: expected a number/);
    const file = join(mkdtempSync(join(tmpdir(), 'cli-config-')), 'run.json');
    writeFileSync(file, '{"step": 3}');
    const config = await cli(['lm-demo', '--config', file]);
    expect(config.code).toBe(1);
    expect(config.stderr).toMatch(/unknown key "step"; valid keys: seconds, steps/);
  });

  it('prints the overview with no arguments or --help, and the version for --version', async () => {
    for (const argv of [[], ['--help'], ['help']]) {
      const run = await cli(argv);
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/^Usage: stateset-agents <command> \[flags\]/);
      expect(run.stdout).toMatch(/^ {2}quickstart {2}SFT on support-lite teacher demonstrations, then GRPO/m);
      expect(run.stdout).toMatch(/^ {2}lm-demo {5}Train a tiny language model/m);
    }
    const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    expect((await cli(['--version'])).stdout).toBe(`${manifest.version}\n`);
  });
});
