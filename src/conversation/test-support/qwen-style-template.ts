// Test support: a hand-written chat template in the style of Qwen 2.5 (ChatML turns, tools listed in
// the system turn, `<tool_call>` blocks, consecutive tool results grouped in one user turn), and a
// tokenizer directory that adds its `<|im_start|>`/`<|im_end|>` tokens to the tiny Llama anchor's.

import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Directory of the tiny Llama anchor whose byte-level BPE tokenizer the fixture extends. */
export const ANCHOR_TOKENIZER_DIR = '/work/shared/anchors/hf-llama-tiny/llama-tiny-gqa';

/** Ids of the two ChatML tokens the fixture adds after the anchor's 260 ids. */
export const IM_START_ID = 260;
/** Id of `<|im_end|>`, which ends every turn. */
export const IM_END_ID = 261;

/** The template's Jinja source. */
export const QWEN_STYLE_TEMPLATE = [
  "{%- if tools %}{{- '<|im_start|>system\\n' }}",
  "{%- if messages[0].role == 'system' %}{{- messages[0].content + '\\n\\n' }}{%- endif %}",
  "{{- '# Tools\\n<tools>' }}",
  "{%- for tool in tools %}{{- '\\n' }}{{- tool | tojson }}{%- endfor %}",
  "{{- '\\n</tools>\\nWrite each call in <tool_call></tool_call> tags.<|im_end|>\\n' }}",
  "{%- elif messages[0].role == 'system' %}{{- '<|im_start|>system\\n' + messages[0].content + '<|im_end|>\\n' }}",
  '{%- endif %}',
  '{%- for message in messages %}',
  "{%- if message.role == 'user' or (message.role == 'system' and not loop.first) %}",
  "{{- '<|im_start|>' + message.role + '\\n' + message.content + '<|im_end|>\\n' }}",
  "{%- elif message.role == 'assistant' %}{{- '<|im_start|>assistant\\n' + message.content }}",
  '{%- if message.tool_calls %}{%- for tool_call in message.tool_calls %}',
  "{%- if message.content or not loop.first %}{{- '\\n' }}{%- endif %}",
  '{{- \'<tool_call>\\n{"name": "\' + tool_call.function.name + \'", "arguments": \' }}',
  "{{- tool_call.function.arguments | tojson }}{{- '}\\n</tool_call>' }}",
  '{%- endfor %}{%- endif %}',
  "{{- '<|im_end|>\\n' }}",
  "{%- elif message.role == 'tool' %}",
  "{%- if loop.first or messages[loop.index0 - 1].role != 'tool' %}{{- '<|im_start|>user' }}{%- endif %}",
  "{{- '\\n<tool_response>\\n' + message.content + '\\n</tool_response>' }}",
  "{%- if loop.last or messages[loop.index0 + 1].role != 'tool' %}{{- '<|im_end|>\\n' }}{%- endif %}",
  '{%- endif %}',
  '{%- endfor %}',
  "{%- if add_generation_prompt %}{{- '<|im_start|>assistant\\n' }}{%- endif %}",
].join('');

/**
 * Writes a tokenizer directory: the anchor's `tokenizer.json` with `<|im_start|>` (260) and
 * `<|im_end|>` (261) added, and a `tokenizer_config.json` holding `QWEN_STYLE_TEMPLATE`. Returns its path.
 */
export async function writeQwenStyleTokenizerDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'qwen-style-'));
  const tokenizer = JSON.parse(await readFile(join(ANCHOR_TOKENIZER_DIR, 'tokenizer.json'), 'utf8')) as {
    added_tokens: Record<string, unknown>[];
  };
  for (const [id, content] of [
    [IM_START_ID, '<|im_start|>'],
    [IM_END_ID, '<|im_end|>'],
  ] as const) {
    tokenizer.added_tokens.push({
      id,
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    });
  }
  await writeFile(join(dir, 'tokenizer.json'), JSON.stringify(tokenizer));
  const config = { chat_template: QWEN_STYLE_TEMPLATE, eos_token: '<|im_end|>', bos_token: null };
  await writeFile(join(dir, 'tokenizer_config.json'), JSON.stringify(config));
  return dir;
}
