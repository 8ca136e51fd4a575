import { beforeAll, describe, expect, it } from 'vitest';
import { retailDataDirForTests, retailDataForTests } from '../test-support/retail-test-data.js';
import { ScriptedUser } from '../users/scripted-user.js';
import { STOP_MARKER } from '../users/simulated-user.js';
import { loadRetailTasks, type RetailTask } from './retail-tasks.js';
import type { RetailDatabase } from './retail-types.js';
import { retailUserScenario } from './task-user.js';

let database: RetailDatabase;
let dev: RetailTask[];
beforeAll(async () => {
  database = (await retailDataForTests()).database;
  dev = await loadRetailTasks({ dataDir: retailDataDirForTests(), split: 'dev' });
});

describe('retailUserScenario', () => {
  it('tells only what the instruction states, says yes to confirmations, and stops after the answer', async () => {
    // dev-0: "Your name is Olivia Ito and your zip code is 80218 ... an item (#W5442520)"; no email.
    const user = new ScriptedUser({ scenario: retailUserScenario(dev[0], database), seed: 0 });
    const ask = async (agentMessage: string) => (await user.reply({ agentMessage })).content;
    expect((await user.open()).content).toMatch(/help|request/);
    expect(await ask('Could you tell me your email?')).toBe("Sorry, I don't know my email.");
    const identity = await ask('Then your first and last name, and your zip code?');
    expect(identity).toContain('Olivia Ito');
    expect(identity).toContain('80218');
    expect(await ask('Which order id is it about?')).toBe('#W5442520');
    expect(await ask('I will cancel #W5442520 (reason: no longer needed). Do you confirm (yes/no)?')).toMatch(
      /^Yes/,
    );
    expect(await ask('Your order is cancelled; the refund takes 5 to 7 business days.')).toContain(
      STOP_MARKER,
    );
  });

  it('gives the email when the instruction states it, and admits a missing order id', async () => {
    const withEmail = dev.find((task) => task.instruction.includes('email is')) as RetailTask;
    const withoutOrder = dev.find((task) => !/#W\d+/.test(task.instruction)) as RetailTask;
    const user = new ScriptedUser({ scenario: retailUserScenario(withEmail, database), seed: 0 });
    expect((await user.reply({ agentMessage: 'Your email please?' })).content).toContain(
      database.users[withEmail.userId].email,
    );
    const forgetful = new ScriptedUser({ scenario: retailUserScenario(withoutOrder, database), seed: 0 });
    expect((await forgetful.reply({ agentMessage: 'What is the order id?' })).content).toBe(
      "I don't remember the order id.",
    );
  });
});
