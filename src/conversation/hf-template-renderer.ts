// Incremental rendering over a Hugging Face chat template. The tokens that new messages add are the
// tokenisation of text(history + added) minus the text the stream already holds; the template must
// render earlier messages the same whatever follows them, else 'template_not_incremental'.

import { TokenizerError } from '../errors.js';
import type { ChatTemplate, Tokenizer } from '../models/tokenizers/tokenizer.js';
import type {
  ChatRenderer,
  ParseCompletionOptions,
  ParsedCompletion,
  RenderContext,
} from './chat-renderer.js';
import {
  compileChatTemplate,
  specialTokenVariables,
  tokenizerChatTemplate,
  type ChatTemplateFunction,
} from './chat-template-function.js';
import { ConversationError } from './conversation-error.js';
import type { AssistantMessage, Message } from './messages.js';
import { toTemplateMessage } from './template-message.js';
import { parseToolCalls } from './tool-call-format.js';
import { toFunctionTool, type ToolDefinition } from './tool-definition.js';

/** Options of an HF template renderer. */
export type HfTemplateRendererOptions = {
  /** The model's tokenizer and (unless `chatTemplate` is given) its chat template. */
  readonly tokenizer: Tokenizer & ChatTemplate;
  /** Jinja source used instead of the tokenizer's template; needed to show tools natively. */
  readonly chatTemplate?: string;
  /** Variables for `chatTemplate` besides messages and tools; default the tokenizer's special-token texts. */
  readonly templateVariables?: Readonly<Record<string, unknown>>;
  /** Ids that end an assistant turn; default the special token the template writes right after a reply. */
  readonly stopTokenIds?: readonly number[];
};

/** Encode options: HF tokenizers always map special-token text; byte tokenizers need `allowSpecial`. */
const TEMPLATE_ENCODE_OPTIONS = { addSpecialTokens: false, allowSpecial: true };
const PROBE_NAME = '__stateset_probe__';

/** A ChatRenderer over a Jinja chat template, tokenising only what each turn adds. */
export class HfTemplateRenderer implements ChatRenderer {
  readonly tokenizer: Tokenizer & ChatTemplate;
  readonly stopTokenIds: readonly number[];
  readonly supportsNativeTools: boolean;
  /** Whether the template renders `tool_calls`; if not, calls are written into the content as blocks. */
  readonly rendersToolCalls: boolean;
  private readonly template: ChatTemplateFunction;
  private readonly stopText: string;

  constructor(options: HfTemplateRendererOptions) {
    this.tokenizer = options.tokenizer;
    this.template =
      options.chatTemplate === undefined
        ? tokenizerChatTemplate(options.tokenizer)
        : compileChatTemplate({
            source: options.chatTemplate,
            variables: options.templateVariables ?? specialTokenVariables(options.tokenizer),
          });
    const user: Message = { role: 'user', content: 'Hi' };
    this.supportsNativeTools =
      options.chatTemplate !== undefined &&
      renders(() =>
        this.template({
          messages: [{ role: 'user', content: 'Hi' }],
          tools: [toFunctionTool({ name: PROBE_NAME, description: '', parameters: {} })],
          addGenerationPrompt: false,
        }),
      );
    this.rendersToolCalls = renders(() =>
      this.template({
        messages: [
          user,
          {
            role: 'assistant',
            content: '',
            tool_calls: [{ id: 'call_0', type: 'function', function: { name: PROBE_NAME, arguments: {} } }],
          },
        ],
        addGenerationPrompt: false,
      }),
    );
    this.stopTokenIds = options.stopTokenIds ?? [this.probeStopToken(user)];
    if (this.stopTokenIds.length === 0)
      throw new TokenizerError('invalid_argument', 'stopTokenIds is empty.');
    this.stopText = this.tokenizer.decode([this.stopTokenIds[0]]);
  }

  renderMessages(context: RenderContext & { readonly added: readonly Message[] }): number[] {
    if (context.added.length === 0) return [];
    const full = this.text([...context.history, ...context.added], context.tools, false);
    return this.encode(this.delta(full, this.streamText(context.history, context.tools), 'the new messages'));
  }

  renderAssistantOpener(context: RenderContext): number[] {
    const prompt = this.text(context.history, context.tools, true);
    return this.encode(
      this.delta(prompt, this.streamText(context.history, context.tools), 'the generation prompt'),
    );
  }

  renderCompletion(context: RenderContext & { readonly message: AssistantMessage }): number[] {
    const withMessage = [...context.history, context.message];
    const prompt = this.text(context.history, context.tools, true);
    return this.encode(
      this.delta(this.streamText(withMessage, context.tools), prompt, 'the assistant reply'),
    );
  }

  parseCompletion(tokens: readonly number[], options: ParseCompletionOptions = {}): ParsedCompletion {
    const stopped = tokens.length > 0 && this.stopTokenIds.includes(tokens[tokens.length - 1]);
    const text = this.tokenizer.decode(stopped ? tokens.slice(0, -1) : tokens);
    const parsed = parseToolCalls(text, { idPrefix: options.toolCallIdPrefix });
    const message: AssistantMessage =
      parsed.toolCalls.length > 0
        ? { role: 'assistant', content: parsed.content, toolCalls: parsed.toolCalls }
        : { role: 'assistant', content: parsed.content };
    return { message, parseFailures: parsed.failures, text, stopped };
  }

  renderText(input: {
    readonly messages: readonly Message[];
    readonly tools?: readonly ToolDefinition[];
    readonly addGenerationPrompt?: boolean;
  }): string {
    if (input.addGenerationPrompt === true) return this.text(input.messages, input.tools, true);
    return this.streamText(input.messages, input.tools);
  }

  /**
   * The text a stream holding `history` decodes to: the template's text, except that a final assistant
   * message ends at its stop token (what follows it belongs to the next rendering).
   */
  private streamText(history: readonly Message[], tools: readonly ToolDefinition[] | undefined): string {
    if (history.length === 0) return '';
    const full = this.text(history, tools, false);
    if (history[history.length - 1].role !== 'assistant') return full;
    const prompt = this.text(history.slice(0, -1), tools, true);
    this.delta(full, prompt, 'the assistant reply');
    const stop = full.lastIndexOf(this.stopText);
    if (stop < prompt.length) {
      throw new ConversationError(
        'template_not_incremental',
        `The chat template does not end an assistant message with the stop token ${JSON.stringify(this.stopText)}.`,
      );
    }
    return full.slice(0, stop + this.stopText.length);
  }

  /** `longer` minus its prefix `shorter`; 'template_not_incremental' when it is not a prefix. */
  private delta(longer: string, shorter: string, what: string): string {
    if (!longer.startsWith(shorter)) {
      let at = 0;
      while (at < shorter.length && longer[at] === shorter[at]) at++;
      throw new ConversationError(
        'template_not_incremental',
        `The chat template renders the earlier conversation differently once ${what} follow it ` +
          `(first difference at character ${at}: ${JSON.stringify(shorter.slice(at, at + 40))} became ` +
          `${JSON.stringify(longer.slice(at, at + 40))}), so turns cannot be appended token-exactly.`,
      );
    }
    return longer.slice(shorter.length);
  }

  private text(
    messages: readonly Message[],
    tools: readonly ToolDefinition[] | undefined,
    addGenerationPrompt: boolean,
  ): string {
    if (tools !== undefined && tools.length > 0 && !this.supportsNativeTools) {
      throw new ConversationError(
        'invalid_argument',
        'This chat template does not show tools natively; describe the tools in the system prompt instead.',
      );
    }
    return this.template({
      messages: messages.map((message) =>
        toTemplateMessage(message, { toolCallsInContent: !this.rendersToolCalls }),
      ),
      tools: tools?.map(toFunctionTool),
      addGenerationPrompt,
    });
  }

  private encode(text: string): number[] {
    return text.length === 0 ? [] : this.tokenizer.encode(text, TEMPLATE_ENCODE_OPTIONS);
  }

  /** The special token the template writes right after an assistant reply's content. */
  private probeStopToken(user: Message): number {
    const content = 'Hello';
    const prompt = this.text([user], undefined, true);
    const full = this.text([user, { role: 'assistant', content }], undefined, false);
    const body = this.delta(full, prompt, 'the assistant reply');
    const first = body.startsWith(content) ? this.encode(body.slice(content.length))[0] : undefined;
    const specials = new Set(this.tokenizer.specialTokens.values());
    if (first === undefined || !specials.has(first)) {
      throw new TokenizerError(
        'invalid_tokenizer',
        'Cannot find the token that ends an assistant turn in the chat template; pass stopTokenIds.',
      );
    }
    return first;
  }
}

/** Whether the template output mentions the probe name (a template that raises does not render it). */
function renders(render: () => string): boolean {
  try {
    return render().includes(PROBE_NAME);
  } catch {
    return false;
  }
}
