// Supervised fine-tuning end to end: the CLI trains a tiny model on support-lite teacher
// demonstrations (the loss falls), writes its run folder, and evaluates next to the teacher; the
// demonstrations render to exactly the tokens the training loop's policy agent would see.

import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCliCaptured } from '../../src/cli/test-support/run-cli-captured.js';
import { ByteChatRenderer } from '../../src/conversation/byte-chat-renderer.js';
import { tokenizeConversation } from '../../src/conversation/tokenize-conversation.js';
import { readTrajectoriesJsonl } from '../../src/conversation/trajectory-jsonl.js';
import type { RetailDatabase } from '../../src/environments/retail/retail-types.js';
import {
  createSupportLiteEnvironment,
  type SupportLiteEnvironment,
} from '../../src/environments/support-lite/environment.js';
import { generateDemonstrations } from '../../src/environments/support-lite/teacher-demonstrations.js';
import {
  retailDataDirForTests,
  retailDataForTests,
} from '../../src/environments/test-support/retail-test-data.js';
import { loadCheckpoint } from '../../src/models/checkpoint.js';
import { LanguageModel } from '../../src/models/language-model.js';
import { ByteTokenizer } from '../../src/models/tokenizers/byte-tokenizer.js';
import { resolveTransformerConfig } from '../../src/models/transformer-config.js';
import { tokenizeChatExamples } from '../../src/training/chat-dataset-tokens.js';
import { compactToolsPrompt, createPolicyAgent } from '../../src/training/policy-agent.js';

/** Steps the CLI run takes; the loss must fall by this factor from the first step to the last ten. */
const STEPS = 40;
const LOSS_DROP = 0.6;

let database: RetailDatabase;
let environment: SupportLiteEnvironment;

beforeAll(async () => {
  database = (await retailDataForTests()).database;
  environment = createSupportLiteEnvironment({ database });
});

const cli = (argv: readonly string[]) =>
  runCliCaptured(argv, { STATESET_TAU_RETAIL: retailDataDirForTests() });

describe('stateset-agents sft on support-lite', () => {
  it('trains a tiny model on teacher demonstrations, the loss falling, and writes its run folder', async () => {
    const out = mkdtempSync(join(tmpdir(), 'sft-e2e-'));
    const run = await cli([
      'sft',
      '--demos', '24',
      '--mistake-rate', '0.5',
      '--width', '32',
      '--layers', '1',
      '--heads', '2',
      '--steps', String(STEPS),
      '--batch-size', '3',
      '--learning-rate', '1e-2',
      '--eval-episodes', '3',
      '--max-new-tokens', '24',
      '--threads', '1',
      '--seed', '3',
      '--out', out,
    ]); // prettier-ignore
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /on 24 support-lite teacher demonstrations \(train split, \d+ with a mistake, random rate 0\.5\)/,
    );
    const path = (label: string) => new RegExp(`^${label}: +(.+)$`, 'm').exec(run.stdout)![1];

    const metrics = readFileSync(path('metrics'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, number>);
    expect(metrics).toHaveLength(STEPS);
    const losses = metrics.map((line) => line['loss/sft']);
    const last = losses.slice(-10).reduce((sum, loss) => sum + loss, 0) / 10;
    expect(last).toBeLessThan(LOSS_DROP * losses[0]);

    const saved = JSON.parse(readFileSync(path('config'), 'utf8')) as { model: unknown; options: unknown };
    expect(saved.options).toMatchObject({ demos: 24, mistakeRate: 0.5, steps: STEPS, toolPrompt: 'compact' });
    const state = await loadCheckpoint(path('checkpoint'), resolveTransformerConfig(saved.model));
    expect(state.step).toBe(STEPS);

    const demos = await readTrajectoriesJsonl({ path: path('demos') });
    expect(demos).toHaveLength(24);
    const labels = demos.map((demo) => demo.metadata.teacherMistake);
    expect(labels.filter((label) => label === 'none').length).toBeGreaterThan(0);
    expect(labels.filter((label) => label !== 'none').length).toBeGreaterThan(0);

    const evaluation = JSON.parse(readFileSync(path('evaluation'), 'utf8')) as {
      metrics: Record<string, number>;
      model: { episodes: number };
      teacher: { episodes: number; successRate: number };
    };
    expect(evaluation.model.episodes).toBe(3);
    expect(evaluation.teacher.episodes).toBe(3);
    expect(evaluation.metrics['eval/success_rate']).toBeGreaterThanOrEqual(0);
    expect(run.stdout).toMatch(/^ {2}teacher: success \d+\.\d% \(\d\/3\)/m);
  });

  it('renders demonstrations exactly as the policy agent renders the same conversation', async () => {
    const renderer = new ByteChatRenderer({ tokenizer: new ByteTokenizer() });
    const demos = await generateDemonstrations({ environment, database, count: 12, seed: 4 });
    const sequences = tokenizeChatExamples({
      renderer,
      examples: demos.map((demo) => ({ messages: demo.trajectory.messages, tools: environment.tools })),
      formatTools: compactToolsPrompt,
    });
    const model = new LanguageModel({
      config: { vocabSize: renderer.tokenizer.vocabSize, contextLength: 2048, width: 8, heads: 2, layers: 1 },
    });
    const agent = createPolicyAgent({
      backend: model,
      renderer,
      tools: environment.tools,
      contextLength: 2048,
      maxNewTokens: 160,
      temperature: 0,
      seed: 0,
      toolPrompt: 'compact',
    });
    demos.forEach((demo, index) => {
      const seen = tokenizeConversation({
        renderer,
        messages: agent.promptMessages(demo.trajectory.messages),
      });
      expect(sequences[index]).toEqual(seen);
    });
    await model.dispose();
  });
});
