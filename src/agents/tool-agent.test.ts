import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ByteChatRenderer } from '../conversation/byte-chat-renderer.js';
import type { Message } from '../conversation/messages.js';
import type { ToolDefinition } from '../conversation/tool-definition.js';
import { LanguageModel } from '../models/language-model.js';
import { ByteTokenizer } from '../models/tokenizers/byte-tokenizer.js';
import { LocalPolicy } from './local-policy.js';
import { OpenAICompatiblePolicy } from './openai-compatible-policy.js';
import {
  startChatCompletionsServer,
  type ChatCompletionsServer,
} from '../testing/chat-completions-server.js';
import { ToolAgent } from './tool-agent.js';
import { formatToolsPrompt } from './tool-prompt.js';

const TOOLS: ToolDefinition[] = [
  {
    name: 'get_order',
    description: 'Look up an order.',
    parameters: { type: 'object', properties: { order_id: { type: 'string' } } },
  },
];
const MESSAGES: Message[] = [
  { role: 'system', content: 'Acme support.' },
  { role: 'user', content: 'Where is A1?' },
];

let stub: ChatCompletionsServer | undefined;
afterEach(async () => {
  await stub?.close();
  stub = undefined;
});

const tokenizer = new ByteTokenizer();
const model = new LanguageModel({
  config: {
    vocabSize: tokenizer.vocabSize,
    contextLength: 1024,
    width: 32,
    layers: 1,
    heads: 2,
    mlpWidth: 64,
  },
  seed: 4,
  threads: 1,
});
afterAll(() => model.dispose());

describe('ToolAgent', () => {
  it('gives tools through the API tools field when the policy has a native slot', async () => {
    stub = await startChatCompletionsServer({
      queue: [
        {
          kind: 'reply',
          content: '',
          toolCalls: [{ id: 'c1', name: 'get_order', arguments: '{"order_id": "A1"}' }],
        },
      ],
    });
    const agent = new ToolAgent({
      policy: new OpenAICompatiblePolicy({ baseURL: stub.baseURL, model: 'm' }),
      tools: TOOLS,
    });
    expect(agent.toolPrompt).toBe('native');
    const turn = await agent.act({ messages: MESSAGES });
    expect(turn.message.toolCalls).toEqual([{ id: 'c1', name: 'get_order', arguments: { order_id: 'A1' } }]);
    expect(stub.requests[0].body.tools).toEqual([{ type: 'function', function: TOOLS[0] }]);
    expect(stub.requests[0].body.messages).toEqual(MESSAGES);
  });

  it("describes tools in the system prompt in 'system' mode and parses the calls from text", async () => {
    stub = await startChatCompletionsServer({
      queue: [
        {
          kind: 'reply',
          content:
            '<tool_call>\n{"name": "get_order", "arguments": {"order_id": "A1"}}\n</tool_call>\n<tool_call>nope</tool_call>',
        },
      ],
    });
    const agent = new ToolAgent({
      policy: new OpenAICompatiblePolicy({ baseURL: stub.baseURL, model: 'm' }),
      tools: TOOLS,
      toolPrompt: 'system',
      systemPrompt: 'Be kind.',
    });
    const turn = await agent.act({ messages: MESSAGES });
    expect(turn.message.toolCalls).toEqual([
      { id: 'call_0_0', name: 'get_order', arguments: { order_id: 'A1' } },
    ]);
    expect(turn.parseFailures).toEqual([
      { raw: '<tool_call>nope</tool_call>', reason: expect.stringMatching(/invalid JSON/) },
    ]);
    const sent = stub.requests[0].body;
    expect(sent.tools).toBeUndefined();
    expect((sent.messages as Message[])[0]).toEqual({
      role: 'system',
      content: `Be kind.\n\nAcme support.\n\n${formatToolsPrompt(TOOLS)}`,
    });
  });

  it('uses the system prompt for a local byte-format policy, and refuses native mode there', async () => {
    const policy = new LocalPolicy({
      backend: model,
      renderer: new ByteChatRenderer({ tokenizer }),
      sampling: { maxNewTokens: 4 },
    });
    const agent = new ToolAgent({ policy, tools: TOOLS });
    expect(agent.toolPrompt).toBe('system');
    const turn = await agent.act({ messages: MESSAGES });
    expect(tokenizer.decode(turn.tokens!.prompt)).toContain(
      '<tools>\n{"type": "function", "function": {"name": "get_order"',
    );
    expect(agent.promptMessages(MESSAGES)[0].content).toContain('# Tools');
    expect(() => new ToolAgent({ policy, tools: TOOLS, toolPrompt: 'native' })).toThrow(
      expect.objectContaining({ code: 'invalid_argument' }),
    );
  });

  it('formats the tools section with a custom formatter', () => {
    const policy = new LocalPolicy({
      backend: model,
      renderer: new ByteChatRenderer({ tokenizer }),
      sampling: { maxNewTokens: 4 },
    });
    const agent = new ToolAgent({
      policy,
      tools: TOOLS,
      formatTools: (tools) => `Tools: ${tools.map((t) => t.name).join(', ')}`,
    });
    expect(agent.promptMessages(MESSAGES)[0]).toEqual({
      role: 'system',
      content: 'Acme support.\n\nTools: get_order',
    });
    expect(agent.fork().promptMessages(MESSAGES)).toEqual(agent.promptMessages(MESSAGES));
  });
});
