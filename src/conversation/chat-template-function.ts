// A chat template as one function of messages, tools and the generation-prompt flag: either Jinja
// source compiled with @huggingface/jinja, or a tokenizer's own `applyChatTemplate`.

import { Template } from '@huggingface/jinja';
import { TokenizerError } from '../errors.js';
import type { ChatTemplate, Tokenizer } from '../models/tokenizers/tokenizer.js';
import type { TemplateMessage } from './template-message.js';
import type { FunctionToolDefinition } from './tool-definition.js';

/** What a chat template renders. */
export type ChatTemplateInput = {
  readonly messages: readonly TemplateMessage[];
  readonly tools?: readonly FunctionToolDefinition[];
  readonly addGenerationPrompt: boolean;
};

/** A chat template: the prompt text of a conversation. Throws TokenizerError when the template raises. */
export type ChatTemplateFunction = (input: ChatTemplateInput) => string;

/** Options of `compileChatTemplate`. */
export type CompileChatTemplateOptions = {
  /** Jinja source of the template, as in `tokenizer_config.json`. */
  readonly source: string;
  /** Variables the template reads besides `messages`, `tools` and `add_generation_prompt` (`bos_token` …). */
  readonly variables?: Readonly<Record<string, unknown>>;
};

/** Compiles Jinja chat-template source; throws TokenizerError('invalid_tokenizer') when it does not parse. */
export function compileChatTemplate(options: CompileChatTemplateOptions): ChatTemplateFunction {
  let template: Template;
  try {
    template = new Template(options.source);
  } catch (error) {
    throw new TokenizerError('invalid_tokenizer', `The chat template does not parse: ${String(error)}`, {
      cause: error,
    });
  }
  return (input) => {
    try {
      return template.render({
        ...options.variables,
        messages: input.messages.map((message) => structuredClone(message)),
        ...(input.tools !== undefined && input.tools.length > 0
          ? { tools: input.tools.map((tool) => structuredClone(tool)) }
          : {}),
        add_generation_prompt: input.addGenerationPrompt,
      });
    } catch (error) {
      throw new TokenizerError('invalid_argument', `The chat template failed: ${String(error)}`, {
        cause: error,
      });
    }
  };
}

/**
 * A tokenizer's own template. Extra message fields (`tool_calls`, `tool_call_id`) reach the template,
 * but `applyChatTemplate` has no `tools` parameter: giving tools throws TokenizerError('invalid_argument').
 */
export function tokenizerChatTemplate(tokenizer: ChatTemplate): ChatTemplateFunction {
  return (input) => {
    if (input.tools !== undefined && input.tools.length > 0) {
      throw new TokenizerError(
        'invalid_argument',
        "The tokenizer's applyChatTemplate cannot show tools; pass the template source as `chatTemplate`.",
      );
    }
    return tokenizer.applyChatTemplate(input.messages, { addGenerationPrompt: input.addGenerationPrompt });
  };
}

/** `bos_token`, `eos_token` and `pad_token` texts of a tokenizer, as templates expect them. */
export function specialTokenVariables(tokenizer: Tokenizer): Record<string, string> {
  const variables: Record<string, string> = {};
  const named = {
    bos_token: tokenizer.bosTokenId,
    eos_token: tokenizer.eosTokenId,
    pad_token: tokenizer.padTokenId,
  };
  for (const [name, id] of Object.entries(named))
    if (id !== undefined) variables[name] = tokenizer.decode([id]);
  return variables;
}
