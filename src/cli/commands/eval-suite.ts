// What `eval` evaluates: the environment for --env and --user, the task ids of --split (and --tasks),
// the scorer, and the environment's perfect agent; all built from the retail data folder.

import type { Agent } from '../../agents/agent.js';
import { ConfigError, EnvironmentError } from '../../errors.js';
import { Rng } from '../../engine/random.js';
import type { Environment } from '../../environments/environment.js';
import { createRetailEnvironment } from '../../environments/retail/environment.js';
import { findRetailDataDir } from '../../environments/retail/retail-data-dir.js';
import { loadRetailData } from '../../environments/retail/retail-data.js';
import { loadRetailTasks, type RetailSplit } from '../../environments/retail/retail-tasks.js';
import type { RetailDatabase } from '../../environments/retail/retail-types.js';
import { createSupportLiteEnvironment } from '../../environments/support-lite/environment.js';
import { SupportLiteExpert } from '../../environments/support-lite/expert-agent.js';
import type { Episode } from '../../environments/run-episode.js';
import { scoreRetailEpisode, supportLiteScorer } from '../../evaluation/episode-scorers.js';
import type { EpisodeScore } from '../../evaluation/evaluate.js';
import { retailGoldAgent } from '../../evaluation/retail-gold-agent.js';
import type { EvalConfig } from './eval-config.js';

/** An environment ready to evaluate, with its tasks and scorer. */
export type EvalSuite<TState> = {
  readonly environment: Environment<TState>;
  /** The environment's own split name that --split resolved to. */
  readonly split: string;
  /** The tasks to run, in split order. */
  readonly scenarioIds: readonly string[];
  /** How many tasks the split has in all. */
  readonly splitSize: number;
  readonly score: (episode: Episode<TState>) => EpisodeScore;
  /** The perfect agent for a task. */
  readonly goldAgent: (scenarioId: string) => Agent;
  /** The retail database, for the random agent's argument pools. */
  readonly database: RetailDatabase;
};

/** Calls `use` with the suite the configuration asks for (a callback keeps the state type generic). */
export async function withEvalSuite<R>(
  config: EvalConfig,
  env: Readonly<Record<string, string | undefined>>,
  use: <TState>(suite: EvalSuite<TState>) => Promise<R>,
): Promise<R> {
  checkUserFlags(config);
  const dataDir = config.data !== '' ? config.data : findRetailDataDir({ root: process.cwd(), env });
  if (dataDir === undefined) {
    throw new EnvironmentError(
      'environment_data_invalid',
      'τ-bench retail data not found in or beside the working directory; pass --data DIR or set STATESET_TAU_RETAIL',
    );
  }
  const data = await loadRetailData(dataDir);
  if (config.env === 'retail') {
    const split: RetailSplit = config.split === 'heldout' ? 'test' : config.split;
    const tasks = await loadRetailTasks({ dataDir, split });
    const environment = createRetailEnvironment({
      data,
      tasks: { [split]: tasks },
      ...(config.user === 'llm'
        ? {
            llmUser: {
              baseURL: config.userBaseUrl,
              model: config.userModel,
              ...(config.userApiKey === '' ? {} : { apiKey: config.userApiKey }),
            },
          }
        : {}),
    });
    const ids = tasks.map((task) => task.id);
    return use({
      environment,
      split,
      scenarioIds: pickTasks(ids, config),
      splitSize: ids.length,
      score: scoreRetailEpisode,
      goldAgent: (scenarioId) => retailGoldAgent(environment.task(scenarioId)),
      database: data.database,
    });
  }
  if (config.split === 'dev') {
    throw new ConfigError(
      'invalid_config',
      'flag --split: support-lite has no dev split; use train, or heldout (= test)',
    );
  }
  const split = config.split === 'heldout' ? 'test' : config.split;
  const environment = createSupportLiteEnvironment({ database: data.database });
  const ids = environment.scenarioIds(split);
  return use({
    environment,
    split,
    scenarioIds: pickTasks(ids, config),
    splitSize: ids.length,
    score: supportLiteScorer(config.successThreshold),
    goldAgent: () => new SupportLiteExpert(),
    database: data.database,
  });
}

/** All ids, or `config.tasks` of them drawn without replacement by `config.seed`, kept in split order. */
function pickTasks(ids: readonly string[], config: EvalConfig): readonly string[] {
  if (config.tasks === 0 || config.tasks >= ids.length) return ids;
  const order = new Rng(config.seed).fork('tasks').shuffle(ids.map((_, index) => index));
  return order
    .slice(0, config.tasks)
    .sort((a, b) => a - b)
    .map((index) => ids[index]);
}

function checkUserFlags(config: EvalConfig): void {
  if (config.user === 'llm') {
    if (config.env !== 'retail') {
      throw new ConfigError('invalid_config', 'flag --user: support-lite has only the scripted user');
    }
    if (config.userBaseUrl === '') {
      throw new ConfigError('invalid_config', 'flag --user llm needs --user-base-url');
    }
  } else if (config.userBaseUrl !== '') {
    throw new ConfigError(
      'invalid_config',
      'flag --user-base-url is set but --user is scripted; pass --user llm to use it',
    );
  }
}
