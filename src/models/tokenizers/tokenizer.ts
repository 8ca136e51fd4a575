// The tokenizer and chat-template contracts every model family implements: text ↔ token ids, and
// chat messages → prompt text. Implementations: `byte-tokenizer.ts` (from scratch), `hf-tokenizer.ts`.

/** Options for `Tokenizer.encode`. */
export type EncodeOptions = {
  /**
   * Add the tokenizer's own special tokens (e.g. a leading BOS) around the text. Defaults to false,
   * because chat templates already place their own BOS in the rendered text.
   */
  readonly addSpecialTokens?: boolean;
};

/** Options for `Tokenizer.decode`. */
export type DecodeOptions = {
  /** Leave special tokens (BOS, EOS, role markers) out of the text. Defaults to false. */
  readonly skipSpecialTokens?: boolean;
};

/** Converts between text and token ids for one model vocabulary. */
export interface Tokenizer {
  /** Number of ids the tokenizer can produce: every id is in `[0, vocabSize)`. */
  readonly vocabSize: number;
  /** Token ids for `text`. */
  encode(text: string, options?: EncodeOptions): number[];
  /** Text for `ids`; throws `TokenizerError('token_out_of_range')` for an id outside the vocabulary. */
  decode(ids: readonly number[], options?: DecodeOptions): string;
  /** Special tokens by their text, e.g. `'<|end|>' → 259`. */
  readonly specialTokens: ReadonlyMap<string, number>;
  /** The id of one token given by its text, or undefined when the vocabulary has no such token. */
  tokenId(token: string): number | undefined;
  /** Id that ends a sequence, when the tokenizer defines one. */
  readonly eosTokenId?: number;
  /** Id that begins a sequence, when the tokenizer defines one. */
  readonly bosTokenId?: number;
  /** Id used to pad batches, when the tokenizer defines one. */
  readonly padTokenId?: number;
}

/** One chat message as a chat template sees it. */
export type ChatTemplateMessage = {
  /** Who speaks: `system`, `user`, `assistant`, `tool`, or a role a template knows. */
  readonly role: string;
  /** What the message says, as plain text. */
  readonly content: string;
};

/** Options for `ChatTemplate.applyChatTemplate`. */
export type ApplyChatTemplateOptions = {
  /** End the text with the header that opens an assistant turn, so the model writes the reply. */
  readonly addGenerationPrompt?: boolean;
};

/** Renders chat messages to the prompt text a model was trained on. */
export interface ChatTemplate {
  /** The prompt text for `messages`; encode it with `addSpecialTokens: false`. */
  applyChatTemplate(messages: readonly ChatTemplateMessage[], options?: ApplyChatTemplateOptions): string;
}
