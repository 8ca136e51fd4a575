import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveLoraConfig } from '../models/lora-config.js';
import { saveLoraAdapter } from '../models/peft-adapter-files.js';
import { writeHfLlamaFixture } from '../models/test-support/hf-llama-fixture.js';
import { activeAdapter } from '../models/test-support/lora-models.js';
import { loadHfPolicy } from './hf-policy-model.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hf-policy-'));
  await writeHfLlamaFixture({ dir, kvHeads: 2 });
  // A checkpoint whose generation also stops at <|endoftext|> (256), as many instruct models list two ids.
  await writeFile(join(dir, 'generation_config.json'), JSON.stringify({ eos_token_id: [258, 256] }));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('loadHfPolicy', () => {
  it("stops at the template's end-of-reply token first, then at generation_config's eos ids", async () => {
    const policy = await loadHfPolicy({ dir, seed: 0, threads: 1 });
    try {
      expect(policy.renderer.stopTokenIds).toEqual([258, 256]);
      expect(policy.model.adapter).toBeUndefined();
      expect(policy.description).toMatch(
        /HF model .* \(2 layers, width 32, 4\/2 heads, context 64; no adapter\)/,
      );
    } finally {
      await policy.model.dispose();
    }
  });

  it('attaches a fresh adapter (B = 0) or a saved one', async () => {
    const lora = resolveLoraConfig({ rank: 2, targets: ['o_proj'] });
    const fresh = await loadHfPolicy({ dir, lora, seed: 4, threads: 1 });
    const adapterDir = join(dir, 'adapter');
    const saved = activeAdapter(fresh.model.config, { rank: 3, targets: ['down_proj'] });
    await saveLoraAdapter({ dir: adapterDir, adapter: saved, config: fresh.model.config, baseModel: dir });
    const loaded = await loadHfPolicy({ dir, adapterDir, seed: 0, threads: 1 });
    try {
      expect(fresh.model.adapter?.config).toEqual(lora);
      expect(
        [...(fresh.model.adapter?.parameters.get('layers.0.attn.o.lora_B.weight') ?? [])].every(
          (v) => v === 0,
        ),
      ).toBe(true);
      expect(loaded.model.adapter?.parameters).toEqual(saved.parameters);
      expect(loaded.description).toContain(`LoRA r=3 alpha=16 dropout=0 on down_proj from ${adapterDir}`);
    } finally {
      await Promise.all([fresh.model.dispose(), loaded.model.dispose()]);
    }
  });
});
