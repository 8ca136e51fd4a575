// Serving a Hugging Face model directory and a PEFT adapter through the whole serving stack
// (startServer: createServingStack + buildServer, real HTTP on loopback): what the training agent
// renders and samples is what the server renders and samples; stop ids come from generation_config.

import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message } from '../conversation/messages.js';
import type { ToolDefinition } from '../conversation/tool-definition.js';
import { loadHfModelDirectory } from '../models/hf-model-directory.js';
import { exportMergedModel } from '../models/merged-export.js';
import { saveLoraAdapter } from '../models/peft-adapter-files.js';
import { writeHfLlamaFixture } from '../models/test-support/hf-llama-fixture.js';
import { activeAdapter } from '../models/test-support/lora-models.js';
import { loadHfTokenizer } from '../models/tokenizers/hf-tokenizer.js';
import { createLogger } from '../observability/logger.js';
import { loadHfPolicy } from '../training/hf-policy-model.js';
import { createPolicyAgent } from '../training/policy-agent.js';
import type { Completion, CompletionRequest } from './chat-backend.js';
import { ServingStackConfigSchema } from './serving-stack-config.js';
import { startServer, type RunningServer } from './start-server.js';
import { sseData } from './test-support/sse.js';

/** Sampled logprobs (KV-cached decode) vs a full forward pass of the same tokens, in fp32. */
const LOGPROB_TOLERANCE = 1e-4;
const MAX_TOKENS = 10;
const TOOLS: ToolDefinition[] = [
  {
    name: 'get_order',
    description: 'Look up an order.',
    parameters: { type: 'object', properties: { order_id: { type: 'string' } } },
  },
];
const MESSAGES: Message[] = [
  { role: 'system', content: 'Be brief.' },
  { role: 'user', content: 'Where is A1?' },
];
const OPENAI_TOOLS = TOOLS.map((tool) => ({ type: 'function', function: tool }));

let root: string;
let base: string;
let adapterDir: string;
const running: RunningServer[] = [];
/** The base model with the adapter, and without. */
let adapted: RunningServer;
let bare: RunningServer;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'serve-hf-'));
  base = join(root, 'tiny-llama');
  // One byte per token: a prompt with the tools takes ~250 positions.
  await writeHfLlamaFixture({ dir: base, kvHeads: 2, maxPositions: 512 });
  const directory = await loadHfModelDirectory(base);
  const adapter = activeAdapter(directory.config, {
    rank: 2,
    alpha: 4,
    targets: ['q_proj', 'v_proj', 'down_proj'],
  });
  adapterDir = join(root, 'adapter');
  await saveLoraAdapter({ dir: adapterDir, adapter, config: directory.config, baseModel: base });
  await exportMergedModel({
    outDir: join(root, 'merged'),
    config: directory.config,
    parameters: directory.parameters,
    adapter,
    sourceDir: base,
    onnx: false,
  });
  [adapted, bare] = await Promise.all([serve({ model: base, adapter: adapterDir }), serve({ model: base })]);
});

afterAll(async () => {
  for (const server of running) await server.shutdown.shutdown('test over');
  await rm(root, { recursive: true, force: true });
});

/** A serving process on a loopback port for `input` (schema input), its model loaded. */
async function serve(input: Record<string, unknown>): Promise<RunningServer> {
  const server = await startServer({
    config: ServingStackConfigSchema.parse({
      port: 0,
      runsDir: join(root, 'runs'),
      trajectoriesDir: join(root, 'captured'),
      trainingJobs: false,
      ...input,
    }),
    logger: createLogger({ level: 'silent' }),
    handleSignals: false,
  });
  running.push(server);
  return server;
}

/** A greedy completion straight from the stack's (resilient) backend, with its token record. */
function complete(server: RunningServer, overrides: Partial<CompletionRequest> = {}): Promise<Completion> {
  return server.stack.backend.complete({
    messages: MESSAGES,
    tools: TOOLS,
    sampling: { temperature: 0, maxTokens: MAX_TOKENS },
    logprobs: true,
    ...overrides,
  });
}

async function postChat(server: RunningServer, body: Record<string, unknown>) {
  return fetch(`${server.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      model: server.stack.backend.modelId,
      messages: MESSAGES,
      tools: OPENAI_TOOLS,
      ...body,
    }),
  });
}

describe('serve --model DIR --adapter DIR', () => {
  it('answers chat completions over HTTP under the directory name, streaming and not, with one logprob per token', async () => {
    const server = adapted;
    expect(server.stack.backend.modelId).toBe('tiny-llama');
    expect(server.stack.model.source).toBe(`model directory ${base} with adapter ${adapterDir}`);
    const loaded = await server.stack.model.whenLoaded();
    expect(loaded.ready).toBe(true);
    expect(loaded.detail).toContain(
      `LoRA r=2 alpha=4 dropout=0 on q_proj,v_proj,down_proj from ${adapterDir}`,
    );
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    const models = (await (await fetch(`${server.url}/v1/models`)).json()) as { data: { id: string }[] };
    expect(models.data.map((entry) => entry.id)).toEqual(['tiny-llama']);

    const sampling = { temperature: 1, seed: 7, max_tokens: 16 };
    const plain = await postChat(server, { ...sampling, logprobs: true });
    expect(plain.status).toBe(200);
    const body = (await plain.json()) as {
      model: string;
      choices: { message: { content: string }; logprobs: { content: { logprob: number }[] } }[];
      usage: { completion_tokens: number };
    };
    expect(body.model).toBe('tiny-llama');
    expect(body.usage.completion_tokens).toBeGreaterThan(0);
    expect(body.choices[0].logprobs.content).toHaveLength(body.usage.completion_tokens);

    const streamed = await postChat(server, { ...sampling, stream: true });
    expect(streamed.status).toBe(200);
    expect(streamed.headers.get('content-type')).toContain('text/event-stream');
    const events = sseData(await streamed.text());
    expect(events.at(-1)).toBe('[DONE]');
    const chunks = events.slice(0, -1) as {
      choices: { delta: { content?: string }; finish_reason: string | null }[];
    }[];
    const pieces = chunks
      .map((chunk) => chunk.choices[0]?.delta.content ?? '')
      .filter((piece) => piece !== '');
    expect(pieces.length, 'text arrives in pieces as tokens are sampled').toBeGreaterThan(1);
    const text = pieces.join('');
    expect(text).toBe(body.choices[0].message.content);
    expect(chunks.some((chunk) => chunk.choices[0]?.finish_reason != null)).toBe(true);

    // The served logprobs are the adapted model's own: a full forward pass over prompt + reply agrees.
    const direct = await complete(server, { sampling: { temperature: 1, seed: 7, maxTokens: 16 } });
    expect(direct.message.content).toBe(body.choices[0].message.content);
    expect(direct.logprobs?.map((entry) => entry.logprob)).toEqual(
      body.choices[0].logprobs.content.map((entry) => entry.logprob),
    );
    const reference = await loadHfPolicy({ dir: base, adapterDir, seed: 0, threads: 1 });
    try {
      const { prompt, completion, logprobs } = direct.tokens!;
      const [forward] = await reference.model.logprobs([[...prompt, ...completion]]);
      const scored = forward.slice(prompt.length - 1);
      scored.forEach((value, i) => expect(Math.abs(value - logprobs[i])).toBeLessThan(LOGPROB_TOLERANCE));
    } finally {
      await reference.model.dispose();
    }
  });

  it('renders and samples exactly what the training agent does on the same model and adapter', async () => {
    const served = await complete(adapted);
    const policy = await loadHfPolicy({ dir: base, adapterDir, seed: 0, threads: 1 });
    try {
      const agent = createPolicyAgent({
        backend: policy.model,
        renderer: policy.renderer,
        tools: TOOLS,
        contextLength: policy.model.config.contextLength,
        maxNewTokens: MAX_TOKENS,
        temperature: 0,
        seed: 0,
        toolPrompt: 'compact',
      });
      const turn = await agent.act({ messages: MESSAGES });
      expect(served.tokens?.prompt).toEqual(turn.tokens?.prompt);
      expect(served.tokens?.completion).toEqual(turn.tokens?.completion);
      expect(served.message).toEqual(turn.message);
      const promptText = policy.renderer.tokenizer.decode(served.tokens!.prompt);
      expect(promptText).toMatch(
        /^<\|im_start\|>system\nBe brief\.\n\nTools:\nget_order\(order_id\): Look up an order\./,
      );
      expect(promptText.endsWith('<|im_start|>user\nWhere is A1?<|im_end|>\n<|im_start|>assistant\n')).toBe(
        true,
      );
    } finally {
      await policy.model.dispose();
    }
  });

  it('serves something else without the adapter, and the same as the merged export', async () => {
    const [withAdapter, without, merged] = await Promise.all([
      complete(adapted),
      complete(bare),
      serve({ model: join(root, 'merged') }).then((server) => complete(server)),
    ]);
    expect(without.tokens?.prompt).toEqual(withAdapter.tokens?.prompt);
    expect(without.tokens?.completion).not.toEqual(withAdapter.tokens?.completion);
    expect(merged.tokens?.completion).toEqual(withAdapter.tokens?.completion);
    merged.tokens!.logprobs.forEach((value, i) =>
      expect(Math.abs(value - withAdapter.tokens!.logprobs[i])).toBeLessThan(LOGPROB_TOLERANCE),
    );
  });

  it("stops at generation_config's eos ids, leaving the stop token out of the content", async () => {
    const unstopped = await complete(bare);
    expect(unstopped.finishReason).toBe('length');
    const greedy = unstopped.tokens!.completion;
    // A copy of the model whose generation_config also ends replies at the token greedy decoding writes 4th.
    const eosId = greedy[3];
    const at = greedy.indexOf(eosId);
    const copy = join(root, 'eos-copy');
    await cp(base, copy, { recursive: true });
    await writeFile(join(copy, 'generation_config.json'), JSON.stringify({ eos_token_id: [258, eosId] }));
    const stopped = await complete(await serve({ model: copy }));
    expect(stopped.finishReason).toBe('stop');
    expect(stopped.tokens?.completion).toEqual(greedy.slice(0, at + 1));
    const tokenizer = await loadHfTokenizer(base);
    expect(stopped.message.content).toBe(at === 0 ? '' : tokenizer.decode(greedy.slice(0, at)));
  });
});
