// The public API alone is enough to build an environment, run agents, score, and evaluate.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as api from './index.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

describe('stateset-agents public API', () => {
  it('evaluates the support-lite expert through exports of src/index.ts only', async () => {
    const dataDir = api.findRetailDataDir({ root: ROOT, env: process.env });
    expect(dataDir).toBeDefined();
    const environment = await api.loadSupportLiteEnvironment({ dataDir: dataDir as string });
    const tasks = await api.evaluate({
      environment,
      scenarioIds: environment.scenarioIds('test').slice(0, 12),
      trials: 2,
      agentFor: () => new api.SupportLiteExpert(),
      score: api.supportLiteScorer(),
    });
    const summary = api.summarizeEvaluation(tasks);
    expect(summary.passHatK).toEqual([1, 1]);
    const trajectories = tasks.flatMap((task) => task.trials.map((trial) => trial.trajectory));
    expect(api.parseTrajectoriesJsonl(api.trajectoriesToJsonl(trajectories))).toEqual({
      ok: true,
      value: trajectories,
    });
  });

  it('exports each layer: conversation, agents, environments, rewards, evaluation', () => {
    for (const name of [
      'ByteChatRenderer',
      'HfTemplateRenderer',
      'readTrajectoriesJsonl',
      'trajectoryToDatums',
      'parseToolCalls',
      'ScriptedAgent',
      'ToolAgent',
      'MultiTurnAgent',
      'LocalPolicy',
      'OpenAICompatiblePolicy',
      'runEpisodes',
      'runGroup',
      'createRetailEnvironment',
      'loadRetailData',
      'retailTaskSuccess',
      'RETAIL_TOOLS',
      'createRubric',
      'createGroupJudge',
      'passHatK',
      'passHatKCurve',
      'retailGoldAgent',
      'randomToolAgent',
      'writeRunReport',
    ]) {
      expect(api, name).toHaveProperty(name);
    }
  });

  it('starts a serving process and shuts it down through exports of src/index.ts only', async () => {
    const runsDir = mkdtempSync(join(tmpdir(), 'index-serve-'));
    const running = await api.startServer({
      config: api.ServingStackConfigSchema.parse({
        port: 0,
        runsDir,
        trajectoriesDir: join(runsDir, 'captured'),
        trainingJobs: false,
      }),
      logger: api.createLogger({ level: 'silent' }),
      handleSignals: false,
    });
    const ready = await fetch(`${running.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(JSON.stringify(await ready.json())).toContain(`no checkpoint under ${runsDir}`);
    const report = await running.shutdown.shutdown('test');
    expect(report).toMatchObject({ exitCode: 0, cutOff: 0, failed: [] });
    rmSync(runsDir, { recursive: true, force: true });
    for (const name of [
      'buildServer',
      'ServeConfigSchema',
      'GracefulShutdown',
      'createServingStack',
      'METRIC',
    ]) {
      expect(api, name).toHaveProperty(name);
    }
  });
});
