// What a run trains in: the environment, its training and held-out splits, the reward rubric of its
// named parts (rollouts), and the episode scorer with a success rule (evaluation).

import { EnvironmentError } from '../errors.js';
import type { Environment } from '../environments/environment.js';
import { createRetailEnvironment } from '../environments/retail/environment.js';
import { findRetailDataDir } from '../environments/retail/retail-data-dir.js';
import { loadRetailData } from '../environments/retail/retail-data.js';
import { loadRetailTasks } from '../environments/retail/retail-tasks.js';
import { retailTaskScore } from '../environments/retail/task-reward.js';
import type { RetailDatabase } from '../environments/retail/retail-types.js';
import type { Episode } from '../environments/run-episode.js';
import { createSupportLiteEnvironment } from '../environments/support-lite/environment.js';
import { type AnswerCredit, supportLiteTrainingParts } from '../environments/support-lite/rewards.js';
import type { EpisodeScore } from '../evaluation/evaluate.js';
import { scoreRetailEpisode, supportLiteScorer } from '../evaluation/episode-scorers.js';
import { defineReward } from '../rewards/define-reward.js';
import { createRubric, type Rubric, type RubricErrorPolicy } from '../rewards/rubric.js';

/** An environment ready to train in and evaluate on. */
export type TrainingEnvironment<TState> = {
  readonly environment: Environment<TState>;
  /** The retail database the environment runs on. */
  readonly database: RetailDatabase;
  /** Split the rollouts draw scenarios from. */
  readonly trainSplit: string;
  /** Held-out split of evaluation tasks (no user of it is seen in training). */
  readonly evalSplit: string;
  /** Scores rollouts: its total is the reward, its parts are reported as `reward/<part>/mean`. */
  readonly rubric: Rubric<TState>;
  /** Scores an evaluation episode, with success. */
  readonly score: (episode: Episode<TState>) => EpisodeScore;
};

/** Options of `withTrainingEnvironment`. */
export type TrainingEnvironmentOptions = {
  readonly env: 'support-lite' | 'retail';
  /** τ-bench retail data folder; empty looks for it (see `findRetailDataDir`). */
  readonly data: string;
  readonly rewardErrors: RubricErrorPolicy;
  /** support-lite: how rollouts' answers are scored (evaluation always scores them exactly). */
  readonly answerCredit?: AnswerCredit;
  /** support-lite: the reward at which an evaluation episode succeeds. */
  readonly successThreshold: number;
  /** Process environment, for $STATESET_TAU_RETAIL. */
  readonly processEnv?: Readonly<Record<string, string | undefined>>;
};

/** Builds the environment and calls `use` with it (a callback keeps the state type generic). */
export async function withTrainingEnvironment<R>(
  options: TrainingEnvironmentOptions,
  use: <TState>(training: TrainingEnvironment<TState>) => Promise<R>,
): Promise<R> {
  const dataDir =
    options.data !== '' ? options.data : findRetailDataDir({ root: process.cwd(), env: options.processEnv });
  if (dataDir === undefined) {
    throw new EnvironmentError(
      'environment_data_invalid',
      'τ-bench retail data not found in or beside the working directory; pass --data DIR or set STATESET_TAU_RETAIL',
    );
  }
  const data = await loadRetailData(dataDir);
  const onError = options.rewardErrors;
  if (options.env === 'support-lite') {
    const parts = supportLiteTrainingParts(options.answerCredit ?? 'exact').map((part) => ({
      reward: defineReward({ name: part.name, score: part.score }),
      weight: part.weight,
    }));
    return use({
      environment: createSupportLiteEnvironment({ database: data.database }),
      database: data.database,
      trainSplit: 'train',
      evalSplit: 'test',
      rubric: createRubric({ components: parts, onError }),
      score: supportLiteScorer(options.successThreshold),
    });
  }
  const [train, test] = await Promise.all([
    loadRetailTasks({ dataDir, split: 'train' }),
    loadRetailTasks({ dataDir, split: 'test' }),
  ]);
  return use({
    environment: createRetailEnvironment({ data, tasks: { train, test } }),
    database: data.database,
    trainSplit: 'train',
    evalSplit: 'test',
    // τ-bench's 0/1 success is a product of its factors, which a weighted mean cannot express.
    rubric: createRubric({
      components: [{ reward: defineReward({ name: 'task_success', score: retailTaskScore }), weight: 1 }],
      onError,
    }),
    score: scoreRetailEpisode,
  });
}
