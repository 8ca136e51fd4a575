// A byte-level tokenizer for models trained from scratch: ids 0..255 are raw UTF-8 bytes, special
// tokens follow from id 256. Special-token text in input is literal bytes unless `allowSpecial`
// is set, so user text cannot forge control tokens (the convention of OpenAI's tiktoken).

import { TokenizerError } from '../../errors.js';
import type {
  ApplyChatTemplateOptions,
  ChatTemplate,
  ChatTemplateMessage,
  DecodeOptions,
  EncodeOptions,
  Tokenizer,
} from './tokenizer.js';

/** Number of byte ids; the first special token has this id. */
export const BYTE_VOCAB_SIZE = 256;

/** The special tokens a byte tokenizer has unless configured otherwise, in id order from 256. */
export const DEFAULT_SPECIAL_TOKENS: readonly string[] = [
  '<|bos|>',
  '<|eos|>',
  '<|pad|>',
  '<|system|>',
  '<|user|>',
  '<|assistant|>',
  '<|tool|>',
  '<|end|>',
];

/** Configuration of a byte tokenizer; every field has a default. */
export type ByteTokenizerOptions = {
  /** Special tokens in id order from 256. Defaults to `DEFAULT_SPECIAL_TOKENS`. */
  readonly specialTokens?: readonly string[];
  /** Text of the BOS token; defaults to `<|bos|>` when that is a special token. */
  readonly bosToken?: string;
  /** Text of the EOS token; defaults to `<|eos|>` when that is a special token. */
  readonly eosToken?: string;
  /** Text of the padding token; defaults to `<|pad|>` when that is a special token. */
  readonly padToken?: string;
  /** Text that closes each chat turn; defaults to `<|end|>` when that is a special token. */
  readonly endOfTurnToken?: string;
};

/** Options for `ByteTokenizer.encode`. */
export type ByteEncodeOptions = EncodeOptions & {
  /** Recognise special-token text in the input as special ids. Defaults to false (encode as bytes). */
  readonly allowSpecial?: boolean;
};

/** Turns a stream of token ids into text, emitting only complete UTF-8 characters. */
export interface StreamDecoder {
  /** Text completed by `ids`; bytes of a character not yet finished are held back. */
  push(ids: readonly number[]): string;
  /** Text of any bytes still held back (an unfinished character becomes U+FFFD); resets the decoder. */
  flush(): string;
}

/** Byte-level tokenizer with configurable special tokens and a `<|role|>content<|end|>` chat format. */
export class ByteTokenizer implements Tokenizer, ChatTemplate {
  readonly vocabSize: number;
  readonly specialTokens: ReadonlyMap<string, number>;
  readonly bosTokenId?: number;
  readonly eosTokenId?: number;
  readonly padTokenId?: number;
  /** Id that closes each chat turn, when the tokenizer has one. */
  readonly endOfTurnTokenId?: number;
  private readonly specialTexts: readonly string[];
  private readonly specialPattern: RegExp | undefined;
  private readonly encoder = new TextEncoder();

  constructor(options: ByteTokenizerOptions = {}) {
    const specials = options.specialTokens ?? DEFAULT_SPECIAL_TOKENS;
    const map = new Map<string, number>();
    specials.forEach((token, index) => {
      if (token.length === 0) throw new TokenizerError('invalid_tokenizer', 'A special token is empty.');
      if (map.has(token)) {
        throw new TokenizerError(
          'invalid_tokenizer',
          `Special token ${JSON.stringify(token)} is listed twice.`,
        );
      }
      map.set(token, BYTE_VOCAB_SIZE + index);
    });
    this.specialTokens = map;
    this.specialTexts = [...specials];
    this.vocabSize = BYTE_VOCAB_SIZE + specials.length;
    this.bosTokenId = resolveRole(map, 'bosToken', options.bosToken, '<|bos|>');
    this.eosTokenId = resolveRole(map, 'eosToken', options.eosToken, '<|eos|>');
    this.padTokenId = resolveRole(map, 'padToken', options.padToken, '<|pad|>');
    this.endOfTurnTokenId = resolveRole(map, 'endOfTurnToken', options.endOfTurnToken, '<|end|>');
    // Longest first, so a special token that is a prefix of another never wins the match.
    const alternatives = [...specials].sort((a, b) => b.length - a.length).map(escapeRegExp);
    this.specialPattern = alternatives.length > 0 ? new RegExp(alternatives.join('|'), 'g') : undefined;
  }

  /** Byte ids of `text`; special-token text becomes special ids only with `allowSpecial`. */
  encode(text: string, options: ByteEncodeOptions = {}): number[] {
    const ids: number[] = [];
    if (options.addSpecialTokens && this.bosTokenId !== undefined) ids.push(this.bosTokenId);
    if (!options.allowSpecial || this.specialPattern === undefined) {
      pushBytes(ids, this.encoder.encode(text));
      return ids;
    }
    let start = 0;
    for (const match of text.matchAll(this.specialPattern)) {
      pushBytes(ids, this.encoder.encode(text.slice(start, match.index)));
      ids.push(this.specialTokens.get(match[0]) as number);
      start = match.index + match[0].length;
    }
    pushBytes(ids, this.encoder.encode(text.slice(start)));
    return ids;
  }

  /** Text of `ids`; invalid or unfinished UTF-8 becomes U+FFFD rather than an error. */
  decode(ids: readonly number[], options: DecodeOptions = {}): string {
    const decoder = this.createStreamDecoder(options);
    return decoder.push(ids) + decoder.flush();
  }

  /** A decoder for token-by-token generation that never splits a UTF-8 character. */
  createStreamDecoder(options: DecodeOptions = {}): StreamDecoder {
    const skipSpecialTokens = options.skipSpecialTokens ?? false;
    let utf8 = new TextDecoder('utf-8', { fatal: false });
    const push = (ids: readonly number[]): string => {
      // Check every id first, so a bad id leaves the held-back bytes untouched.
      for (const id of ids) this.checkId(id);
      let text = '';
      let bytes: number[] = [];
      for (const id of ids) {
        if (id < BYTE_VOCAB_SIZE) {
          bytes.push(id);
          continue;
        }
        // A special token ends any unfinished character before it.
        text += utf8.decode(Uint8Array.from(bytes));
        bytes = [];
        utf8 = new TextDecoder('utf-8', { fatal: false });
        if (!skipSpecialTokens) text += this.specialTexts[id - BYTE_VOCAB_SIZE];
      }
      return text + utf8.decode(Uint8Array.from(bytes), { stream: true });
    };
    const flush = (): string => {
      const text = utf8.decode();
      utf8 = new TextDecoder('utf-8', { fatal: false });
      return text;
    };
    return { push, flush };
  }

  /** The id of a special token, or of a one-byte character; undefined otherwise. */
  tokenId(token: string): number | undefined {
    const special = this.specialTokens.get(token);
    if (special !== undefined) return special;
    const bytes = this.encoder.encode(token);
    return bytes.length === 1 ? bytes[0] : undefined;
  }

  /**
   * `<|role|>content<|end|>` per message, then `<|assistant|>` with `addGenerationPrompt`. Encode the
   * result with `allowSpecial: true`. Throws `TokenizerError('invalid_argument')` for a role with no token.
   */
  applyChatTemplate(
    messages: readonly ChatTemplateMessage[],
    options: ApplyChatTemplateOptions = {},
  ): string {
    if (this.endOfTurnTokenId === undefined) {
      throw new TokenizerError(
        'invalid_tokenizer',
        'The tokenizer has no end-of-turn token for a chat template.',
      );
    }
    const end = this.specialTexts[this.endOfTurnTokenId - BYTE_VOCAB_SIZE];
    let text = '';
    for (const message of messages) text += this.roleToken(message.role) + message.content + end;
    if (options.addGenerationPrompt) text += this.roleToken('assistant');
    return text;
  }

  private roleToken(role: string): string {
    const token = `<|${role}|>`;
    if (!this.specialTokens.has(token)) {
      throw new TokenizerError(
        'invalid_argument',
        `Chat role ${JSON.stringify(role)} has no special token ${token}.`,
      );
    }
    return token;
  }

  private checkId(id: number): void {
    if (!Number.isInteger(id) || id < 0 || id >= this.vocabSize) {
      throw new TokenizerError(
        'token_out_of_range',
        `Token id ${id} is outside the vocabulary [0, ${this.vocabSize}).`,
      );
    }
  }
}

function resolveRole(
  map: ReadonlyMap<string, number>,
  field: string,
  configured: string | undefined,
  fallback: string,
): number | undefined {
  if (configured === undefined) return map.get(fallback);
  const id = map.get(configured);
  if (id === undefined) {
    throw new TokenizerError(
      'invalid_tokenizer',
      `${field} ${JSON.stringify(configured)} is not a special token.`,
    );
  }
  return id;
}

function pushBytes(ids: number[], bytes: Uint8Array): void {
  for (let i = 0; i < bytes.length; i++) ids.push(bytes[i]);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
