// Test support: a byte-level BPE `tokenizer.json` (GPT-2 byte alphabet, no merges: one id per byte)
// with ChatML special tokens, and a `tokenizer_config.json` with a ChatML chat template, as a
// Hugging Face model directory holds them (SmolLM2 and Qwen use this template shape).

/** The special tokens, with ids 256, 257, 258. */
export const FIXTURE_SPECIAL_TOKENS = ['<|endoftext|>', '<|im_start|>', '<|im_end|>'] as const;

/** Ids of the fixture tokenizer: 256 bytes, then the special tokens. */
export const FIXTURE_TOKENIZER_SIZE = 256 + FIXTURE_SPECIAL_TOKENS.length;

/** The id of `<|im_end|>`, which ends an assistant turn and is the eos token. */
export const FIXTURE_EOS_ID = 258;

/** A ChatML chat template. */
export const FIXTURE_CHAT_TEMPLATE =
  "{% for message in messages %}<|im_start|>{{ message['role'] }}\n{{ message['content'] }}<|im_end|>\n{% endfor %}" +
  '{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}';

/** GPT-2's map from bytes to printable characters, which byte-level BPE vocabularies are written in. */
function byteAlphabet(): string[] {
  const printable = (b: number) => (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
  const chars: string[] = [];
  let next = 256;
  for (let b = 0; b < 256; b++) chars.push(String.fromCharCode(printable(b) ? b : next++));
  return chars;
}

/** The contents of `tokenizer.json`. */
export function fixtureTokenizerJson(): Record<string, unknown> {
  const vocab: Record<string, number> = {};
  byteAlphabet().forEach((char, id) => (vocab[char] = id));
  const byteLevel = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true };
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: FIXTURE_SPECIAL_TOKENS.map((content, i) => ({
      id: 256 + i,
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: null,
    pre_tokenizer: byteLevel,
    post_processor: null,
    decoder: byteLevel,
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      fuse_unk: false,
      byte_fallback: false,
      vocab,
      merges: [],
    },
  };
}

/** The contents of `tokenizer_config.json`. */
export function fixtureTokenizerConfig(): Record<string, unknown> {
  return {
    chat_template: FIXTURE_CHAT_TEMPLATE,
    bos_token: null,
    eos_token: '<|im_end|>',
    pad_token: '<|endoftext|>',
    add_bos_token: false,
    tokenizer_class: 'GPT2Tokenizer',
  };
}
