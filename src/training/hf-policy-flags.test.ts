import { describe, expect, it } from 'vitest';
import { checkLoraFlagsNeedModel, loraConfigFromFlags, LoraFlagsSchema } from './hf-policy-flags.js';
import { loadHfPolicy } from './hf-policy-model.js';

const flags = (change: Record<string, unknown>) => LoraFlagsSchema.parse(change);

describe('LoRA flags', () => {
  it('give no adapter at rank 0, and a resolved configuration otherwise (targets in module order)', () => {
    expect(loraConfigFromFlags(flags({}))).toBeUndefined();
    expect(
      loraConfigFromFlags(
        flags({ loraRank: 8, loraAlpha: 32, loraDropout: 0.1, loraTargets: ' v_proj, q_proj,down_proj ' }),
      ),
    ).toEqual({ rank: 8, alpha: 32, dropout: 0.1, targets: ['q_proj', 'v_proj', 'down_proj'] });
  });

  it.each([
    ['an unknown target', 'q_proj,attn', /unknown attn/],
    ['no target', ' , ', /no targets/],
  ])('refuse %s', (_, loraTargets, message) => {
    expect(() => loraConfigFromFlags(flags({ loraRank: 2, loraTargets }))).toThrow(message);
  });

  it('need --model for a fresh or saved adapter', () => {
    expect(() => checkLoraFlagsNeedModel(flags({ loraRank: 4 }), '')).toThrow(
      /--lora-rank needs --model DIR/,
    );
    expect(() => checkLoraFlagsNeedModel(flags({ adapter: 'a' }), '')).toThrow(/--adapter needs --model DIR/);
    expect(() => checkLoraFlagsNeedModel(flags({ loraRank: 4 }), 'models/x')).not.toThrow();
  });

  it('loadHfPolicy takes a fresh adapter or a saved one, not both', async () => {
    const lora = loraConfigFromFlags(flags({ loraRank: 2 }));
    await expect(loadHfPolicy({ dir: 'unused', lora, adapterDir: 'a', seed: 0 })).rejects.toThrow(
      /either a fresh adapter \(--lora-rank\) or --adapter DIR, not both/,
    );
  });
});
