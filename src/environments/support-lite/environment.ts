// The support-lite environment: a scripted customer asks about one of their orders; the agent looks
// it up, answers or cancels. Small enough that a few-million-parameter model can learn it.

import { EnvironmentError } from '../../errors.js';
import type { Environment } from '../environment.js';
import { loadRetailData } from '../retail/retail-data.js';
import type { RetailDatabase } from '../retail/retail-types.js';
import { createToolUserEnvironment, worldTool, type ToolUserState } from '../tool-user-environment.js';
import { ScriptedUser, type UserScenario } from '../users/scripted-user.js';
import {
  buildSupportLiteScenarios,
  splitScenarios,
  type SupportLiteIntent,
  type SupportLiteScenario,
} from './scenarios.js';
import {
  CLOSINGS,
  fillOpening,
  OPENINGS_WITH_ID,
  OPENINGS_WITHOUT_ID,
  ORDER_ID_REPLIES,
  SUPPORT_LITE_POLICY,
} from './texts.js';
import { freshWorld, SUPPORT_LITE_TOOLS, type SupportLiteWorld } from './tools.js';

/** An episode's state. */
export type SupportLiteState = ToolUserState<SupportLiteWorld, SupportLiteScenario>;

/** The support-lite environment, with its scenarios for lookup. */
export type SupportLiteEnvironment = Environment<SupportLiteState> & {
  /** The scenario with this id; throws EnvironmentError('unknown_scenario'). */
  scenario(id: string): SupportLiteScenario;
};

/** Options of `createSupportLiteEnvironment`. */
export type SupportLiteOptions = {
  /** The retail database (shared, never mutated: episodes copy on write). */
  readonly database: RetailDatabase;
  /** Intents to generate; default all four. */
  readonly intents?: readonly SupportLiteIntent[];
  /** The customer stops after this many replies; default 4. */
  readonly maxUserReplies?: number;
};

/** Name of the environment, as trajectories record it. */
export const SUPPORT_LITE_NAME = 'support-lite';

/** The customer of a scenario: opens with the request (one in three openings leave the id out). */
export function supportLiteUserScenario(scenario: SupportLiteScenario, maxReplies = 4): UserScenario {
  return {
    persona: 'a brief, polite customer',
    goal: `${scenario.intent} for order ${scenario.orderId}`,
    opening: [...OPENINGS_WITH_ID[scenario.intent], ...OPENINGS_WITHOUT_ID[scenario.intent]].map((template) =>
      fillOpening(template, scenario),
    ),
    knownFacts: [
      {
        name: 'order id',
        value: scenario.orderId,
        askedBy: ['order id', 'order number', 'which order'],
        replies: ORDER_ID_REPLIES,
      },
    ],
    fallback: { replies: CLOSINGS, stop: true },
    maxReplies,
  };
}

/** The support-lite environment over a loaded database; splits 'train' and 'test' (held-out users). */
export function createSupportLiteEnvironment(options: SupportLiteOptions): SupportLiteEnvironment {
  const scenarios = buildSupportLiteScenarios({ database: options.database, intents: options.intents });
  const byId = new Map(scenarios.map((scenario) => [scenario.id, scenario]));
  const lookup = (id: string): SupportLiteScenario => {
    const scenario = byId.get(id);
    if (scenario === undefined)
      throw new EnvironmentError('unknown_scenario', `support-lite has no scenario "${id}"`);
    return scenario;
  };
  const environment = createToolUserEnvironment<SupportLiteWorld, SupportLiteScenario>({
    name: SUPPORT_LITE_NAME,
    tools: SUPPORT_LITE_TOOLS.map((tool) => worldTool<SupportLiteWorld, SupportLiteScenario>(tool)),
    splits: splitScenarios(scenarios),
    scenario: lookup,
    world: () => freshWorld(options.database),
    systemPrompt: () => SUPPORT_LITE_POLICY,
    user: (scenario, seed) =>
      new ScriptedUser({ scenario: supportLiteUserScenario(scenario, options.maxUserReplies), seed }),
    terminalTools: ['transfer_to_human_agents'],
  });
  return { ...environment, scenario: lookup };
}

/** Options of `loadSupportLiteEnvironment`. */
export type LoadSupportLiteOptions = Omit<SupportLiteOptions, 'database'> & {
  /** The τ-bench retail data folder (see `findRetailDataDir`). */
  readonly dataDir: string;
};

/** Loads the retail database from `dataDir` and builds the environment. */
export async function loadSupportLiteEnvironment(
  options: LoadSupportLiteOptions,
): Promise<SupportLiteEnvironment> {
  const { dataDir, ...rest } = options;
  const data = await loadRetailData(dataDir);
  return createSupportLiteEnvironment({ ...rest, database: data.database });
}
