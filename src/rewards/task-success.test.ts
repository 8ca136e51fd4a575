import { describe, expect, it } from 'vitest';
import type { RewardContext } from './reward-function.js';
import { taskSuccess } from './task-success.js';
import { say, scoreTrajectory, trajectoryOf } from './test-support/trajectory-fixture.js';

describe('taskSuccess', () => {
  it('turns the check verdict into 1/0, passes numbers and undefined through, and sees the final state', async () => {
    const reward = taskSuccess<{ refunded: boolean }>((context: RewardContext<{ refunded: boolean }>) =>
      context.finalState === undefined ? undefined : context.finalState.refunded,
    );
    const trajectory = trajectoryOf([say.user('refund please')]);
    expect(reward.name).toBe('task_success');
    expect(await scoreTrajectory(reward, trajectory, { refunded: true })).toBe(1);
    expect(await scoreTrajectory(reward, trajectory, { refunded: false })).toBe(0);
    expect(await scoreTrajectory(reward, trajectory)).toBeUndefined();
    expect(
      await scoreTrajectory(
        taskSuccess(async () => 0.5, { name: 'partial' }),
        trajectory,
      ),
    ).toBe(0.5);
  });
});
