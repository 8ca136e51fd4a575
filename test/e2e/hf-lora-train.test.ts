// GRPO on a Hugging Face checkpoint with LoRA: `train --model DIR --lora-rank 2` trains the adapter
// alone (checkpoints hold only it), writes it for PEFT, and a finished run resumes from its checkpoint.

import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCliCaptured } from '../../src/cli/test-support/run-cli-captured.js';
import { readSafetensors } from '../../src/engine/safetensors.js';
import { writeHfLlamaFixture } from '../../src/models/test-support/hf-llama-fixture.js';

const cli = (argv: readonly string[]) => runCliCaptured(argv);

let root: string;
let baseDir: string;
beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'hf-lora-train-'));
  baseDir = join(root, 'tiny-llama');
  await writeHfLlamaFixture({ dir: baseDir, maxPositions: 2048, seed: 12 });
});

describe('train --model DIR --lora-rank 2', () => {
  it('trains the adapter alone, saves it for PEFT, and resumes the finished run', async () => {
    const run = await cli([
      'train',
      '--model', baseDir,
      '--lora-rank', '2',
      '--lora-targets', 'q_proj,v_proj',
      '--steps', '2',
      '--groups-per-step', '1',
      '--group-size', '2',
      '--max-new-tokens', '12',
      '--max-turns', '2',
      '--eval-episodes', '0',
      '--checkpoint-every', '1',
      '--kl-coefficient', '0.05',
      '--threads', '1',
      '--runs-dir', root,
      '--run-name', 'r',
    ]); // prettier-ignore
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('finished 2 steps');
    const runDir = join(root, 'r');
    const saved = JSON.parse(readFileSync(join(runDir, 'config.json'), 'utf8')) as Record<string, unknown>;
    expect(saved).toMatchObject({ tokenizer: 'hf', config: { model: baseDir, loraRank: 2 } });

    const adapterConfig = JSON.parse(readFileSync(join(runDir, 'adapter', 'adapter_config.json'), 'utf8'));
    expect(adapterConfig).toMatchObject({ peft_type: 'LORA', r: 2, target_modules: ['q_proj', 'v_proj'] });
    const checkpoints = readdirSync(join(runDir, 'checkpoints')).filter((file) =>
      file.endsWith('.safetensors'),
    );
    expect(checkpoints.length).toBeGreaterThan(0);
    const { tensors } = readSafetensors(readFileSync(join(runDir, 'checkpoints', checkpoints[0])));
    const params = [...tensors.keys()].filter((key) => key.startsWith('param/'));
    expect(params).toHaveLength(2 * 2 * 2);
    expect(existsSync(join(runDir, 'reference.safetensors'))).toBe(false);

    const again = await cli(['train', '--resume', runDir]);
    expect(again.stderr).toBe('');
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('after step 2 with its saved configuration');
  });

  it('names the field of LoRA flags without a model directory', async () => {
    const run = await cli(['train', '--lora-rank', '2']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('loraRank (--lora-rank): needs --model DIR');
  });
});
