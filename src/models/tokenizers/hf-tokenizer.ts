// A Hugging Face tokenizer loaded from a model directory (`tokenizer.json`, `tokenizer_config.json`),
// built with @huggingface/tokenizers, with the model's Jinja chat template run by @huggingface/jinja.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Template } from '@huggingface/jinja';
import { Tokenizer as HfLibraryTokenizer } from '@huggingface/tokenizers';
import { z } from 'zod';
import { TokenizerError } from '../../errors.js';
import type {
  ApplyChatTemplateOptions,
  ChatTemplate,
  ChatTemplateMessage,
  DecodeOptions,
  EncodeOptions,
  Tokenizer,
} from './tokenizer.js';

/** The part of @huggingface/tokenizers' `Tokenizer` we use (its bundled types do not resolve under NodeNext). */
type LibraryTokenizer = {
  encode(text: string, options?: { add_special_tokens?: boolean }): { ids: number[] };
  decode(ids: number[], options?: { skip_special_tokens?: boolean }): string;
  token_to_id(token: string): number | undefined;
  get_vocab(withAddedTokens?: boolean): Map<string, number>;
  get_added_tokens_decoder(): Map<number, { content: string; special: boolean }>;
};

/** A special token in `tokenizer_config.json`: its text, null, or an AddedToken object. */
const specialTokenField = z.union([z.string(), z.null(), z.looseObject({ content: z.string() })]).optional();

/** The fields of `tokenizer_config.json` we read; other keys are kept but ignored. */
const tokenizerConfigSchema = z.looseObject({
  chat_template: z
    .union([z.string(), z.array(z.object({ name: z.string(), template: z.string() }))])
    .optional()
    .describe('Jinja chat template, or named templates of which "default" is used.'),
  bos_token: specialTokenField.describe('Text of the BOS token.'),
  eos_token: specialTokenField.describe('Text of the EOS token.'),
  pad_token: specialTokenField.describe('Text of the padding token.'),
  unk_token: specialTokenField.describe('Text of the unknown token.'),
});

type TokenizerConfig = z.infer<typeof tokenizerConfigSchema>;

/** Special-token names a chat template may use, as transformers passes them to the template. */
const TEMPLATE_TOKEN_NAMES = ['bos_token', 'eos_token', 'pad_token', 'unk_token'] as const;

/** A Hugging Face tokenizer with the model's chat template. */
export class HfTokenizer implements Tokenizer, ChatTemplate {
  readonly vocabSize: number;
  readonly specialTokens: ReadonlyMap<string, number>;
  readonly bosTokenId?: number;
  readonly eosTokenId?: number;
  readonly padTokenId?: number;
  private readonly templateTokens: Readonly<Record<string, string>>;

  /** Wraps a built library tokenizer; use `loadHfTokenizer` to read one from a directory. */
  constructor(
    private readonly library: LibraryTokenizer,
    config: TokenizerConfig,
    private readonly chatTemplate: Template | undefined,
  ) {
    let maxId = -1;
    for (const tokenId of library.get_vocab(true).values()) maxId = Math.max(maxId, tokenId);
    this.vocabSize = maxId + 1;
    const specials = new Map<string, number>();
    for (const [tokenId, token] of library.get_added_tokens_decoder()) {
      if (token.special) specials.set(token.content, tokenId);
    }
    const templateTokens: Record<string, string> = {};
    for (const name of TEMPLATE_TOKEN_NAMES) {
      const text = tokenText(config[name]);
      if (text !== undefined) templateTokens[name] = text;
    }
    this.templateTokens = templateTokens;
    this.specialTokens = specials;
    this.bosTokenId = this.idOf(templateTokens.bos_token);
    this.eosTokenId = this.idOf(templateTokens.eos_token);
    this.padTokenId = this.idOf(templateTokens.pad_token);
  }

  /** Token ids of `text`; special-token text in `text` always becomes special ids, as in transformers. */
  encode(text: string, options: EncodeOptions = {}): number[] {
    return this.library.encode(text, { add_special_tokens: options.addSpecialTokens ?? false }).ids;
  }

  /** Text of `ids`; throws `TokenizerError('token_out_of_range')` for an id outside the vocabulary. */
  decode(ids: readonly number[], options: DecodeOptions = {}): string {
    for (const tokenId of ids) {
      if (!Number.isInteger(tokenId) || tokenId < 0 || tokenId >= this.vocabSize) {
        throw new TokenizerError(
          'token_out_of_range',
          `Token id ${tokenId} is outside the vocabulary [0, ${this.vocabSize}).`,
        );
      }
    }
    // The library refuses an empty list; a reply that is only its stop token decodes to nothing.
    if (ids.length === 0) return '';
    return this.library.decode([...ids], { skip_special_tokens: options.skipSpecialTokens ?? false });
  }

  /** The id of a token given by its vocabulary text (byte-level form for BPE), or undefined. */
  tokenId(token: string): number | undefined {
    return this.library.token_to_id(token);
  }

  /**
   * Renders `messages` with the model's chat template and the special tokens of `tokenizer_config.json`.
   * Throws `TokenizerError('invalid_tokenizer')` without a template, `'invalid_argument'` when it raises.
   */
  applyChatTemplate(
    messages: readonly ChatTemplateMessage[],
    options: ApplyChatTemplateOptions = {},
  ): string {
    if (this.chatTemplate === undefined) {
      throw new TokenizerError('invalid_tokenizer', 'The tokenizer has no chat template.');
    }
    try {
      return this.chatTemplate.render({
        ...this.templateTokens,
        messages: messages.map((message) => ({ ...message })),
        add_generation_prompt: options.addGenerationPrompt ?? false,
      });
    } catch (error) {
      throw new TokenizerError('invalid_argument', `The chat template failed: ${String(error)}`, {
        cause: error,
      });
    }
  }

  private idOf(token: string | undefined): number | undefined {
    return token === undefined ? undefined : this.library.token_to_id(token);
  }
}

/**
 * Reads `tokenizer.json` and `tokenizer_config.json` (and `chat_template.jinja` when the config has no
 * template) from a Hugging Face model directory. Missing or malformed files throw
 * `TokenizerError('invalid_tokenizer')` naming the file.
 */
export async function loadHfTokenizer(dir: string): Promise<HfTokenizer> {
  const tokenizerPath = join(dir, 'tokenizer.json');
  const configPath = join(dir, 'tokenizer_config.json');
  const tokenizerJson = await readJson(tokenizerPath);
  const parsed = tokenizerConfigSchema.safeParse(await readJson(configPath));
  if (!parsed.success) {
    throw new TokenizerError('invalid_tokenizer', `${configPath} is malformed: ${parsed.error.message}`, {
      cause: parsed.error,
    });
  }
  const config = parsed.data;
  let library: LibraryTokenizer;
  try {
    library = new HfLibraryTokenizer(tokenizerJson as object, config);
  } catch (error) {
    throw new TokenizerError('invalid_tokenizer', `${tokenizerPath} is malformed: ${String(error)}`, {
      cause: error,
    });
  }
  const source = templateSource(config) ?? (await readOptional(join(dir, 'chat_template.jinja')));
  let template: Template | undefined;
  if (source !== undefined) {
    try {
      template = new Template(source);
    } catch (error) {
      throw new TokenizerError(
        'invalid_tokenizer',
        `The chat template of ${dir} does not parse: ${String(error)}`,
        {
          cause: error,
        },
      );
    }
  }
  return new HfTokenizer(library, config, template);
}

function templateSource(config: TokenizerConfig): string | undefined {
  const template = config.chat_template;
  if (template === undefined || typeof template === 'string') return template;
  return template.find((named) => named.name === 'default')?.template;
}

function tokenText(field: TokenizerConfig['bos_token']): string | undefined {
  if (field === undefined || field === null) return undefined;
  return typeof field === 'string' ? field : field.content;
}

async function readJson(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new TokenizerError('invalid_tokenizer', `Cannot read ${path}: ${String(error)}`, { cause: error });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new TokenizerError('invalid_tokenizer', `${path} is not valid JSON: ${String(error)}`, {
      cause: error,
    });
  }
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new TokenizerError('invalid_tokenizer', `Cannot read ${path}: ${String(error)}`, { cause: error });
  }
}
