// Test support: a plain float64 Llama (or Qwen2: biases on q/k/v) forward pass over Hugging Face
// tensor names, written with loops and independent of the graph engine, so tests can check a loaded
// model against a third computation.
// Legend: T time, C width, H heads, K kv heads, D head size, M MLP width, V vocab.

/** What the plain forward needs. */
export type PlainLlamaOptions = {
  readonly tensors: ReadonlyMap<string, Float32Array>;
  readonly configJson: Readonly<Record<string, unknown>>;
  /** Rotary inverse frequencies (D/2). */
  readonly inverseFrequencies: ArrayLike<number>;
  readonly tokens: readonly number[];
};

/** log p(tokens[t + 1] | tokens[0..t]) for every t, in float64. */
export function plainLlamaLogprobs(options: PlainLlamaOptions): number[] {
  const { tensors, configJson: cfg, tokens } = options;
  const C = cfg.hidden_size as number;
  const H = cfg.num_attention_heads as number;
  const K = cfg.num_key_value_heads as number;
  const L = cfg.num_hidden_layers as number;
  const V = cfg.vocab_size as number;
  const eps = cfg.rms_norm_eps as number;
  const D = C / H;
  const T = tokens.length;
  const w = (name: string) => {
    const value = tensors.get(name);
    if (value === undefined) throw new Error(`no tensor ${name}`);
    return value;
  };
  const qkvBias = cfg.model_type === 'qwen2';
  /** W x, plus the projection's bias for Qwen2's q/k/v. */
  const project = (row: readonly number[], name: string) => {
    const y = linear(row, w(`${name}.weight`));
    return qkvBias ? add(y, Array.from(w(`${name}.bias`))) : y;
  };
  const embed = w('model.embed_tokens.weight');
  let x = tokens.map((id) => Array.from(embed.subarray(id * C, (id + 1) * C))); // (T, C)
  for (let l = 0; l < L; l++) {
    const p = `model.layers.${l}`;
    const h = x.map((row) => rmsNorm(row, w(`${p}.input_layernorm.weight`), eps));
    const q = h.map((row) => project(row, `${p}.self_attn.q_proj`)); // (T, H·D)
    const k = h.map((row) => project(row, `${p}.self_attn.k_proj`)); // (T, K·D)
    const v = h.map((row) => project(row, `${p}.self_attn.v_proj`)); // (T, K·D)
    q.forEach((row, t) => rope(row, H, D, t, options.inverseFrequencies));
    k.forEach((row, t) => rope(row, K, D, t, options.inverseFrequencies));
    const attended = q.map((row, t) => {
      const out = new Array<number>(H * D).fill(0);
      for (let head = 0; head < H; head++) {
        const kv = Math.floor(head / (H / K)); // grouped-query: H/K query heads share a kv head
        const scores: number[] = [];
        for (let s = 0; s <= t; s++) {
          let dot = 0;
          for (let d = 0; d < D; d++) dot += row[head * D + d] * k[s][kv * D + d];
          scores.push(dot / Math.sqrt(D));
        }
        const probs = softmax(scores);
        for (let s = 0; s <= t; s++)
          for (let d = 0; d < D; d++) out[head * D + d] += probs[s] * v[s][kv * D + d];
      }
      return out;
    });
    x = x.map((row, t) => add(row, linear(attended[t], w(`${p}.self_attn.o_proj.weight`))));
    x = x.map((row) => {
      const n = rmsNorm(row, w(`${p}.post_attention_layernorm.weight`), eps);
      const gate = linear(n, w(`${p}.mlp.gate_proj.weight`)).map((g) => g / (1 + Math.exp(-g)));
      const up = linear(n, w(`${p}.mlp.up_proj.weight`));
      return add(
        row,
        linear(
          gate.map((g, i) => g * up[i]),
          w(`${p}.mlp.down_proj.weight`),
        ),
      );
    });
  }
  const head = cfg.tie_word_embeddings === true ? embed : w('lm_head.weight');
  const result: number[] = [];
  for (let t = 0; t + 1 < T; t++) {
    const logits = linear(rmsNorm(x[t], w('model.norm.weight'), eps), head); // (V)
    if (logits.length !== V) throw new Error('vocab mismatch');
    const max = Math.max(...logits);
    const logSum = Math.log(logits.reduce((s, z) => s + Math.exp(z - max), 0)) + max;
    result.push(logits[tokens[t + 1]] - logSum);
  }
  return result;
}

/** y = W x with W stored (out, in). */
function linear(x: readonly number[], weight: Float32Array): number[] {
  const n = x.length;
  const out = new Array<number>(weight.length / n);
  for (let o = 0; o < out.length; o++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += weight[o * n + i] * x[i];
    out[o] = sum;
  }
  return out;
}

function rmsNorm(x: readonly number[], gain: Float32Array, eps: number): number[] {
  const meanSquare = x.reduce((s, v) => s + v * v, 0) / x.length;
  const scale = 1 / Math.sqrt(meanSquare + eps);
  return x.map((v, i) => v * scale * gain[i]);
}

/** Rotates each head in place: x·cos + rotate_half(x)·sin, rotate_half(x) = (−x₂, x₁). */
function rope(row: number[], heads: number, D: number, t: number, frequencies: ArrayLike<number>): void {
  const half = D / 2;
  for (let head = 0; head < heads; head++) {
    for (let i = 0; i < half; i++) {
      const a = row[head * D + i];
      const b = row[head * D + i + half];
      const angle = t * frequencies[i];
      row[head * D + i] = a * Math.cos(angle) - b * Math.sin(angle);
      row[head * D + i + half] = b * Math.cos(angle) + a * Math.sin(angle);
    }
  }
}

function softmax(values: readonly number[]): number[] {
  const max = Math.max(...values);
  const exps = values.map((v) => Math.exp(v - max));
  const sum = exps.reduce((s, e) => s + e, 0);
  return exps.map((e) => e / sum);
}

function add(a: readonly number[], b: readonly number[]): number[] {
  return a.map((v, i) => v + b[i]);
}
