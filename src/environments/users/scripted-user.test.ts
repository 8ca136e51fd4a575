import { describe, expect, it } from 'vitest';
import { EnvironmentError } from '../../errors.js';
import { matchesAny, ScriptedUser, type UserScenario } from './scripted-user.js';
import { isStopMessage, STOP_MARKER } from './simulated-user.js';

const SCENARIO: UserScenario = {
  persona: 'brief and polite',
  goal: 'cancel order #W1',
  opening: ['I want to cancel an order.', 'Please cancel my order.', 'Cancel an order for me, please.'],
  knownFacts: [
    { name: 'email', value: 'ann@example.com', askedBy: ['email'], replies: ['It is {value}.', '{value}'] },
    { name: 'order id', value: '#W1', askedBy: [/order (id|number)/i] },
  ],
  unknownFacts: [{ name: 'zip code', askedBy: ['zip'] }],
  script: [
    { id: 'confirm', when: [/\bconfirm\b/i, '(yes/no)'], unless: ['email'], replies: ['Yes.'], maxUses: 1 },
    { id: 'done', when: ['cancelled'], replies: ['Thanks!'], stop: true },
  ],
  fallback: { replies: ['Sorry?'], stop: false },
};

async function conversation(seed: number, agentTexts: readonly string[]): Promise<string[]> {
  const user = new ScriptedUser({ scenario: SCENARIO, seed });
  const said = [(await user.open()).content];
  for (const agentMessage of agentTexts) said.push((await user.reply({ agentMessage })).content);
  return said;
}

describe('ScriptedUser', () => {
  const agentTexts = [
    'What is your email?',
    'And the order id?',
    'What is your zip code?',
    'Please confirm (yes/no).',
    'Please confirm again.',
    'Your order is cancelled.',
  ];

  it('tells known facts when asked, admits unknown ones, follows its script and stops', async () => {
    const said = await conversation(1, agentTexts);
    expect(SCENARIO.opening).toContain(said[0]);
    expect(said[1]).toContain('ann@example.com');
    expect(said[2]).toBe('#W1');
    expect(said[3]).toBe("Sorry, I don't know my zip code.");
    expect(said[4]).toBe('Yes.');
    expect(said[5]).toBe('Sorry?'); // the confirm rule fires once only
    expect(said[6]).toBe(`Thanks! ${STOP_MARKER}`);
    expect(isStopMessage(said[6])).toBe(true);
  });

  it('skips a rule when its `unless` pattern matches too', async () => {
    const user = new ScriptedUser({ scenario: SCENARIO, seed: 0 });
    expect((await user.reply({ agentMessage: 'Please confirm your email.' })).content).toContain(
      'ann@example.com',
    );
  });

  it('answers every fact asked in one message', async () => {
    const user = new ScriptedUser({ scenario: SCENARIO, seed: 3 });
    const reply = await user.reply({ agentMessage: 'Give me your email and order number.' });
    expect(reply.content).toContain('ann@example.com');
    expect(reply.content).toContain('#W1');
    expect(user.revealedFacts()).toEqual(['email', 'order id']);
  });

  it('is deterministic for a seed and varies its phrasing across seeds', async () => {
    expect(await conversation(7, agentTexts)).toEqual(await conversation(7, agentTexts));
    const openings = new Set<string>();
    for (let seed = 0; seed < 20; seed++) openings.add((await conversation(seed, []))[0]);
    expect(openings.size).toBeGreaterThan(1);
  });

  it('keeps answering STOP after it stopped, and gives up after maxReplies', async () => {
    const user = new ScriptedUser({ scenario: { ...SCENARIO, maxReplies: 2 }, seed: 0 });
    expect((await user.reply({ agentMessage: 'hmm' })).stop).toBe(false);
    const second = await user.reply({ agentMessage: 'hmm' });
    expect(second).toEqual({ content: `Sorry? ${STOP_MARKER}`, stop: true });
    expect(await user.reply({ agentMessage: 'hello?' })).toEqual({ content: STOP_MARKER, stop: true });
  });

  it('stops with a thank-you by default when nothing matches', async () => {
    const user = new ScriptedUser({ scenario: { persona: '', goal: '', opening: ['hi'] }, seed: 0 });
    expect(await user.reply({ agentMessage: 'Anything else?' })).toEqual({
      content: `Thanks, that is all I needed. ${STOP_MARKER}`,
      stop: true,
    });
  });

  it('rejects scenarios with empty variant lists', () => {
    const make = (scenario: UserScenario) => () => new ScriptedUser({ scenario, seed: 0 });
    expect(make({ ...SCENARIO, opening: [] })).toThrow(EnvironmentError);
    expect(make({ ...SCENARIO, script: [{ id: 'x', when: ['x'], replies: [] }] })).toThrow(
      /rule x has no replies/,
    );
    expect(make({ ...SCENARIO, fallback: { replies: [], stop: true } })).toThrow(/fallback/);
  });
});

describe('matchesAny', () => {
  it('matches substrings case-insensitively and regexes as given, even global ones repeatedly', () => {
    expect(matchesAny('Your EMAIL please', ['email'])).toBe(true);
    expect(matchesAny('nothing here', ['email', /zip/])).toBe(false);
    const global = /zip/g;
    expect(matchesAny('zip?', [global])).toBe(true);
    expect(matchesAny('zip?', [global])).toBe(true);
  });
});
