import { beforeAll, describe, expect, it } from 'vitest';
import type { AgentTurn } from '../../agents/agent.js';
import { withTrainingEnvironment } from '../../training/training-environment.js';
import { runEpisode } from '../run-episode.js';
import { ListAgent } from '../test-support/counter-environment.js';
import { retailDataDirForTests, retailDataForTests } from '../test-support/retail-test-data.js';
import { createSupportLiteEnvironment, type SupportLiteEnvironment } from './environment.js';
import { type AnswerCredit, partialFactCredit, rightAnswer } from './rewards.js';

let environment: SupportLiteEnvironment;
beforeAll(async () => {
  environment = createSupportLiteEnvironment({ database: (await retailDataForTests()).database });
});

const PENDING = '#W5442520'; // Gaming Mouse, Patio Umbrella, Hiking Boots; 570 Elm Avenue, Denver
const lookup: AgentTurn = {
  message: {
    role: 'assistant',
    content: '',
    toolCalls: [{ id: 'c1', name: 'get_order_details', arguments: { order_id: PENDING } }],
  },
};

const lookupThen = (answer: string): AgentTurn[] => [
  lookup,
  { message: { role: 'assistant', content: answer } },
];

/** The episode of a lookup of PENDING and then `answer`, in scenario `<intent>:PENDING`. */
async function answered(intent: string, answer: string) {
  const agent = new ListAgent(lookupThen(answer));
  return runEpisode({ environment, agent, seed: 1, scenarioId: `${intent}:${PENDING}` });
}

describe('partialFactCredit', () => {
  it("gives a wrong address answer half the share of the street's and city's words it says", async () => {
    // Asked words: 570, elm, avenue, denver.
    const streetOnly = await answered('address', 'It ships to 570 Elm Avenue.');
    expect(rightAnswer(streetOnly)).toBe(0);
    expect(partialFactCredit(streetOnly)).toBe(0.375);
    const wrongNumber = await answered('address', 'It ships to 507 Elm Avenue, Denver.');
    expect(partialFactCredit(wrongNumber)).toBe(0.375);
    // Words, not substrings: "Elmwood" is not "elm", and repeating a word counts it once.
    const lookalike = await answered('address', 'It ships to Elmwood Avenue, Avenue Avenue.');
    expect(partialFactCredit(lookalike)).toBe(0.125);
    expect(partialFactCredit(await answered('address', 'I cannot tell.'))).toBe(0);
  });

  it('scores a right answer 1, as rightAnswer does', async () => {
    const right = await answered('address', 'Order #W5442520 ships to 570 elm avenue, DENVER.');
    expect(rightAnswer(right)).toBe(1);
    expect(partialFactCredit(right)).toBe(1);
  });

  it('counts every item name for an items question', async () => {
    // Asked words: gaming, mouse, patio, umbrella, hiking, boots.
    const two = await answered('items', 'It has a Gaming Mouse and Hiking Boots.');
    expect(rightAnswer(two)).toBe(0);
    expect(partialFactCredit(two)).toBeCloseTo(0.5 * (4 / 6), 12);
  });

  it('gives status and cancellation answers no partial credit', async () => {
    expect(partialFactCredit(await answered('status', 'It is delivered.'))).toBe(0);
    expect(partialFactCredit(await answered('status', 'Order #W5442520 is pending.'))).toBe(1);
    expect(partialFactCredit(await answered('cancel', 'It is pending, 570 Elm Avenue, Denver.'))).toBe(0);
  });
});

describe('train --answer-credit partial_facts', () => {
  it('scores rollouts with partial credit and evaluation exactly, under the same part names', async () => {
    const scored = (answerCredit: AnswerCredit) =>
      withTrainingEnvironment(
        {
          env: 'support-lite',
          data: retailDataDirForTests(),
          rewardErrors: 'fail',
          answerCredit,
          successThreshold: 0.9,
        },
        async (training) => {
          const streetOnly = await runEpisode({
            environment: training.environment,
            agent: new ListAgent(lookupThen('It ships to 570 Elm Avenue.')),
            seed: 1,
            scenarioId: `address:${PENDING}`,
          });
          return {
            names: training.rubric.names,
            reward: (await training.rubric.evaluate(streetOnly)).total,
            evaluation: training.score(streetOnly),
          };
        },
      );
    const [exact, partial] = await Promise.all([scored('exact'), scored('partial_facts')]);
    expect(partial.names).toEqual(exact.names);
    // right_tool 0.2 + right_arguments 0.2 + policy 0.1, and 0.4 × 0.375 more with partial credit.
    expect(exact.reward).toBeCloseTo(0.5, 12);
    expect(partial.reward).toBeCloseTo(0.5 + 0.4 * 0.375, 12);
    // Evaluation is the same either way: the exact reward, and no success.
    expect(partial.evaluation).toEqual(exact.evaluation);
    expect(partial.evaluation).toMatchObject({ reward: 0.5, success: false });
  });
});
