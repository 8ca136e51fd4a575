// The τ-bench retail environment (Yao et al. 2024, arXiv:2406.12045): the policy wiki as system
// prompt, the 16 retail tools over a fresh database copy per episode, a task-driven simulated user
// (scripted, or an LLM when an endpoint is given), and the gold replay that the reward compares to.

import { EnvironmentError } from '../../errors.js';
import type { Environment } from '../environment.js';
import type { ToolExceptionPolicy } from '../run-tool-call.js';
import { createToolUserEnvironment, worldTool, type ToolUserState } from '../tool-user-environment.js';
import { LlmUser, type LlmUserOptions } from '../users/llm-user.js';
import { ScriptedUser } from '../users/scripted-user.js';
import { createDatabaseHasher } from './database-hasher.js';
import { replayActions } from './replay.js';
import { freshDatabase } from './retail-data.js';
import type { RetailTool } from './retail-tool.js';
import { RETAIL_TOOLS } from './retail-tools.js';
import type { RetailSplit, RetailTask } from './retail-tasks.js';
import type { RetailData, RetailDatabase } from './retail-types.js';
import { retailUserScenario } from './task-user.js';

/** A retail scenario: the task, the canonical hash of its gold end state, and the hash function. */
export type RetailScenario = {
  readonly task: RetailTask;
  readonly goldHash: string;
  /** `databaseHash`, made fast for copies of the loaded database (see `createDatabaseHasher`). */
  readonly hashDatabase: (database: RetailDatabase) => string;
};

/** A retail episode's state: the database copy the tools mutate, the task, the user. */
export type RetailState = ToolUserState<RetailDatabase, RetailScenario>;

/** The retail environment, with task lookup. */
export type RetailEnvironment = Environment<RetailState> & {
  /** The task with this id (`dev-3`); throws EnvironmentError('unknown_scenario'). */
  task(id: string): RetailTask;
};

/** The LLM user's endpoint settings (everything but the instruction and seed, which come from the task and episode). */
export type RetailLlmUserOptions = Omit<LlmUserOptions, 'instruction' | 'seed'>;

/** Options of `createRetailEnvironment`. */
export type RetailEnvironmentOptions = {
  readonly data: RetailData;
  /** The tools over the database; default the 16 of `RETAIL_TOOLS`. */
  readonly tools?: readonly RetailTool[];
  /** Tasks by split; split names are the keys. */
  readonly tasks: Readonly<Partial<Record<RetailSplit, readonly RetailTask[]>>>;
  /** Play the user with an LLM at this endpoint; the scripted user otherwise. */
  readonly llmUser?: RetailLlmUserOptions;
  readonly onToolException?: ToolExceptionPolicy;
};

/** Name of the environment, as trajectories record it. */
export const RETAIL_NAME = 'tau-retail';

/** Tools that end a retail episode. */
export const RETAIL_TERMINAL_TOOLS: readonly string[] = ['transfer_to_human_agents'];

/**
 * The retail environment over loaded data, tools and tasks. A task's gold end state comes from
 * replaying its gold actions on a fresh database, once per task, on first use; a gold action naming
 * no tool throws EnvironmentError('unknown_tool').
 */
export function createRetailEnvironment(options: RetailEnvironmentOptions): RetailEnvironment {
  const byId = new Map<string, RetailTask>();
  const splits: Record<string, readonly string[]> = {};
  for (const [split, tasks] of Object.entries(options.tasks)) {
    splits[split] = tasks.map((task) => task.id);
    for (const task of tasks) byId.set(task.id, task);
  }
  const task = (id: string): RetailTask => {
    const found = byId.get(id);
    if (found === undefined)
      throw new EnvironmentError('unknown_scenario', `${RETAIL_NAME} has no task "${id}"`);
    return found;
  };
  const tools = options.tools ?? RETAIL_TOOLS;
  const hashDatabase = createDatabaseHasher(options.data.database);
  const goldHashes = new Map<string, string>();
  const goldHash = (gold: RetailTask): string => {
    let hash = goldHashes.get(gold.id);
    if (hash === undefined) {
      hash = replayActions(freshDatabase(options.data), gold.actions, { tools, hash: hashDatabase }).dbHash;
      goldHashes.set(gold.id, hash);
    }
    return hash;
  };

  const environment = createToolUserEnvironment<RetailDatabase, RetailScenario>({
    name: RETAIL_NAME,
    tools: tools.map((tool) => worldTool<RetailDatabase, RetailScenario>(tool)),
    splits,
    scenario: (id) => ({ task: task(id), goldHash: goldHash(task(id)), hashDatabase }),
    world: () => freshDatabase(options.data),
    systemPrompt: () => options.data.policy,
    user: (scenario, seed) =>
      options.llmUser === undefined
        ? new ScriptedUser({ scenario: retailUserScenario(scenario.task, options.data.database), seed })
        : new LlmUser({ ...options.llmUser, instruction: scenario.task.instruction, seed }),
    terminalTools: RETAIL_TERMINAL_TOOLS,
    onToolException: options.onToolException,
  });
  return { ...environment, task };
}
