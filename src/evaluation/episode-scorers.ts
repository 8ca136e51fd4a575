// How the built-in environments score an evaluation episode: retail by τ-bench's 0/1 task success,
// support-lite by its weighted score with success meaning the score reaches a threshold.

import type { Episode } from '../environments/run-episode.js';
import type { RetailState } from '../environments/retail/environment.js';
import {
  databaseMatchesGold,
  requiredOutputsSaid,
  retailTaskScore,
} from '../environments/retail/task-reward.js';
import type { SupportLiteState } from '../environments/support-lite/environment.js';
import { supportLiteScore } from '../environments/support-lite/rewards.js';
import type { EpisodeScore } from './evaluate.js';

/**
 * support-lite's default success threshold. The parts weigh 0.2 tool, 0.2 arguments, 0.4 answer,
 * 0.1 policy and 0.1 brevity, so a score ≥ 0.9 needs the right answer and loses at most 0.1 to
 * everything else together (a long answer, one stray extra call); the expert scores 1.
 */
export const SUPPORT_LITE_SUCCESS_THRESHOLD = 0.9;

/** Slack for float sums when comparing a score with a threshold (0.2 + 0.2 + 0.4 + 0.1 ≠ 0.9 exactly). */
export const SCORE_TOLERANCE = 1e-9;

/** Retail: reward = success = τ-bench's task success; parts: database_match and outputs_said. */
export function scoreRetailEpisode(episode: Episode<RetailState>): EpisodeScore {
  const reward = retailTaskScore(episode);
  return {
    reward,
    parts: { database_match: databaseMatchesGold(episode), outputs_said: requiredOutputsSaid(episode) },
    success: reward === 1,
  };
}

/** support-lite: reward = `supportLiteScore` total with its five parts; success = total ≥ `threshold`. */
export function supportLiteScorer(
  threshold: number = SUPPORT_LITE_SUCCESS_THRESHOLD,
): (episode: Episode<SupportLiteState>) => EpisodeScore {
  return (episode) => {
    const { total, parts } = supportLiteScore(episode);
    return { reward: total, parts, success: total >= threshold - SCORE_TOLERANCE };
  };
}
