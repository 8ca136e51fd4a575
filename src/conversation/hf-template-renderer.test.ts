import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ByteTokenizer } from '../models/tokenizers/byte-tokenizer.js';
import { loadHfTokenizer, type HfTokenizer } from '../models/tokenizers/hf-tokenizer.js';
import { HfTemplateRenderer } from './hf-template-renderer.js';
import type { AssistantMessage, Message } from './messages.js';
import {
  ANCHOR_TOKENIZER_DIR,
  IM_END_ID,
  QWEN_STYLE_TEMPLATE,
  writeQwenStyleTokenizerDir,
} from './test-support/qwen-style-template.js';
import type { ToolDefinition } from './tool-definition.js';

const TOOLS: readonly ToolDefinition[] = [
  {
    name: 'get_order',
    description: 'Look up an order.',
    parameters: { type: 'object', properties: { order_id: { type: 'string' } }, required: ['order_id'] },
  },
];
const CALL: AssistantMessage = {
  role: 'assistant',
  content: 'Let me check.',
  toolCalls: [{ id: 'call_0', name: 'get_order', arguments: { order_id: 'A1' } }],
};
const OPENING: readonly Message[] = [
  { role: 'system', content: 'Be brief.' },
  { role: 'user', content: 'Where is A1?' },
];

/** Renders a conversation turn by turn (as a policy does) and returns the stream. */
function renderTurnByTurn(
  renderer: HfTemplateRenderer,
  steps: readonly (readonly Message[])[],
  tools?: readonly ToolDefinition[],
): number[] {
  const stream: number[] = [];
  const history: Message[] = [];
  for (const step of steps) {
    if (step.length === 1 && step[0].role === 'assistant') {
      stream.push(...renderer.renderAssistantOpener({ history, tools }));
      stream.push(...renderer.renderCompletion({ history, message: step[0], tools }));
    } else {
      stream.push(...renderer.renderMessages({ history, added: step, tools }));
    }
    history.push(...step);
  }
  return stream;
}

describe('HfTemplateRenderer over the tiny Llama anchor template', () => {
  let tokenizer: HfTokenizer;
  let renderer: HfTemplateRenderer;
  beforeAll(async () => {
    tokenizer = await loadHfTokenizer(ANCHOR_TOKENIZER_DIR);
    renderer = new HfTemplateRenderer({ tokenizer });
  });

  it('finds the end-of-turn token and that the template shows neither tools nor tool_calls', () => {
    expect(renderer.stopTokenIds).toEqual([259]);
    expect(renderer.supportsNativeTools).toBe(false);
    expect(renderer.rendersToolCalls).toBe(false);
  });

  it('renders turn by turn to the tokens of the whole conversation', () => {
    const reply: AssistantMessage = { role: 'assistant', content: 'It shipped.' };
    const next: Message = { role: 'user', content: 'Thanks' };
    const stream = renderTurnByTurn(renderer, [OPENING, [reply], [next]]);
    const whole = tokenizer.applyChatTemplate([...OPENING, reply, next]);
    expect(stream).toEqual(tokenizer.encode(whole));
    expect(renderer.renderAssistantOpener({ history: [...OPENING, reply, next] })).toEqual([258]);
  });

  it('writes tool calls into the content for a template that ignores tool_calls', () => {
    const stream = renderTurnByTurn(renderer, [OPENING, [CALL]]);
    expect(tokenizer.decode(stream)).toBe(
      '<|system|>Be brief.<|end|><|user|>Where is A1?<|end|><|assistant|>Let me check.\n' +
        '<tool_call>\n{"name": "get_order", "arguments": {"order_id": "A1"}}\n</tool_call><|end|>',
    );
    expect(renderer.renderText({ messages: [...OPENING, CALL] })).toBe(tokenizer.decode(stream));
  });

  it('decodes a completion into content and tool calls, noting the stop token', () => {
    const text =
      'Let me check.\n<tool_call>\n{"name": "get_order", "arguments": {"order_id": "A1"}}\n</tool_call>';
    const parsed = renderer.parseCompletion([...tokenizer.encode(text), 259], { toolCallIdPrefix: 'call_' });
    expect(parsed).toEqual({ message: CALL, parseFailures: [], text, stopped: true });
    const cut = renderer.parseCompletion(tokenizer.encode('Let me'));
    expect(cut.stopped).toBe(false);
    expect(cut.message).toEqual({ role: 'assistant', content: 'Let me' });
    const empty = renderer.parseCompletion([259]);
    expect(empty).toMatchObject({ message: { role: 'assistant', content: '' }, stopped: true });
  });

  it('refuses tools it cannot show', () => {
    expect(() => renderer.renderMessages({ history: [], added: OPENING, tools: TOOLS })).toThrow(
      expect.objectContaining({ code: 'invalid_argument' }),
    );
  });
});

describe('HfTemplateRenderer over a Qwen-style template with tools', () => {
  let dir: string;
  let tokenizer: HfTokenizer;
  let renderer: HfTemplateRenderer;
  beforeAll(async () => {
    dir = await writeQwenStyleTokenizerDir();
    tokenizer = await loadHfTokenizer(dir);
    renderer = new HfTemplateRenderer({ tokenizer, chatTemplate: QWEN_STYLE_TEMPLATE });
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('finds <|im_end|> and native support for tools and tool_calls', () => {
    expect(renderer.stopTokenIds).toEqual([IM_END_ID]);
    expect(renderer.supportsNativeTools).toBe(true);
    expect(renderer.rendersToolCalls).toBe(true);
  });

  it('shows the tools in the system turn, and the stream decodes to the template text', () => {
    const results: Message[] = [
      { role: 'tool', toolCallId: 'call_0', name: 'get_order', content: '{"status": "shipped"}' },
    ];
    const reply: AssistantMessage = { role: 'assistant', content: 'A1 has shipped.' };
    const stream = renderTurnByTurn(renderer, [OPENING, [CALL], results, [reply]], TOOLS);
    const text = tokenizer.decode(stream);
    expect(text).toBe(renderer.renderText({ messages: [...OPENING, CALL, ...results, reply], tools: TOOLS }));
    expect(text).toContain('<tools>\n{"type": "function", "function": {"name": "get_order"');
    expect(text).toContain(
      '<|im_start|>assistant\nLet me check.\n<tool_call>\n{"name": "get_order", "arguments": {"order_id": "A1"}}\n</tool_call><|im_end|>' +
        '\n<|im_start|>user\n<tool_response>\n{"status": "shipped"}\n</tool_response><|im_end|>\n',
    );
    expect(text.endsWith('A1 has shipped.<|im_end|>')).toBe(true);
  });

  it('puts the newline after <|im_end|> at the start of the next rendering', () => {
    const history = [...OPENING, CALL];
    const delta = renderer.renderMessages({
      history,
      added: [{ role: 'user', content: 'ok' }],
      tools: TOOLS,
    });
    expect(tokenizer.decode(delta)).toBe('\n<|im_start|>user\nok<|im_end|>\n');
    expect(tokenizer.decode(renderer.renderAssistantOpener({ history, tools: TOOLS }))).toBe(
      '\n<|im_start|>assistant\n',
    );
    expect(renderer.renderCompletion({ history: OPENING, message: CALL, tools: TOOLS }).at(-1)).toBe(
      IM_END_ID,
    );
  });

  it('groups tool results that arrive together, and refuses them one at a time', () => {
    const two: AssistantMessage = {
      role: 'assistant',
      content: '',
      toolCalls: [
        { id: 'call_0', name: 'get_order', arguments: { order_id: 'A1' } },
        { id: 'call_1', name: 'get_order', arguments: { order_id: 'B2' } },
      ],
    };
    const results: Message[] = ['A1 shipped', 'B2 pending'].map((content, i) => ({
      role: 'tool',
      toolCallId: `call_${i}`,
      name: 'get_order',
      content,
    }));
    const history = [...OPENING, two];
    const together = tokenizer.decode(renderer.renderMessages({ history, added: results, tools: TOOLS }));
    expect(together).toBe(
      '\n<|im_start|>user\n<tool_response>\nA1 shipped\n</tool_response>\n<tool_response>\nB2 pending\n</tool_response><|im_end|>\n',
    );
    const error = (() => {
      try {
        renderer.renderMessages({ history: [...history, results[0]], added: [results[1]], tools: TOOLS });
      } catch (caught) {
        return caught as Error & { code: string };
      }
      throw new Error('expected template_not_incremental');
    })();
    expect(error.code).toBe('template_not_incremental');
    expect(error.message).toMatch(/first difference at character \d+/);
  });
});

describe('HfTemplateRenderer failures', () => {
  const tokenizer = new ByteTokenizer();

  it('reports a template that re-renders history as template_not_incremental', () => {
    const counting = new HfTemplateRenderer({
      tokenizer,
      chatTemplate:
        '{{- messages | length }}{%- for m in messages %}<|{{ m.role }}|>{{ m.content }}<|end|>{%- endfor %}{%- if add_generation_prompt %}<|assistant|>{%- endif %}',
      stopTokenIds: [tokenizer.endOfTurnTokenId as number],
    });
    expect(() =>
      counting.renderMessages({ history: OPENING, added: [{ role: 'user', content: 'more' }] }),
    ).toThrow(expect.objectContaining({ code: 'template_not_incremental' }));
  });

  it('asks for stopTokenIds when the template writes no special token after a reply', () => {
    const plain =
      '{%- for m in messages %}{{ m.role }}: {{ m.content }}\n{%- endfor %}{%- if add_generation_prompt %}assistant: {%- endif %}';
    expect(() => new HfTemplateRenderer({ tokenizer, chatTemplate: plain })).toThrow(
      expect.objectContaining({ code: 'invalid_tokenizer', message: expect.stringMatching(/stopTokenIds/) }),
    );
    expect(
      new HfTemplateRenderer({ tokenizer, chatTemplate: plain, stopTokenIds: [10] }).stopTokenIds,
    ).toEqual([10]);
  });

  it('rejects template source that does not parse', () => {
    expect(() => new HfTemplateRenderer({ tokenizer, chatTemplate: '{% for %}' })).toThrow(
      expect.objectContaining({ code: 'invalid_tokenizer' }),
    );
  });

  it('works over a byte tokenizer, mapping special-token text to special ids', () => {
    const renderer = new HfTemplateRenderer({ tokenizer });
    expect(renderer.stopTokenIds).toEqual([tokenizer.endOfTurnTokenId]);
    const ids = renderer.renderMessages({ history: [], added: OPENING });
    expect(ids[0]).toBe(tokenizer.specialTokens.get('<|system|>'));
  });
});
