// Configuration of the retail environment: where the data is, and the LLM user's endpoint. One zod
// schema drives flags, environment variables and config files (see src/config).

import { z } from 'zod';
import { EnvironmentError } from '../../errors.js';
import { createRetailEnvironment, type RetailEnvironment } from './environment.js';
import { findRetailDataDir } from './retail-data-dir.js';
import { loadRetailData } from './retail-data.js';
import { loadRetailTasks, RETAIL_SPLITS, type RetailSplit, type RetailTask } from './retail-tasks.js';
import type { RetailTool } from './retail-tool.js';

/** The retail environment's settings. */
export const RetailEnvironmentConfigSchema = z
  .object({
    dataDir: z
      .string()
      .default('')
      .describe(
        'τ-bench retail data folder; empty: $STATESET_TAU_RETAIL, else shared/tau-retail in or beside the repo.',
      ),
    userBaseUrl: z
      .string()
      .default('')
      .describe(
        'OpenAI-compatible endpoint of the LLM user, e.g. http://127.0.0.1:8000/v1; empty: scripted user.',
      ),
    userModel: z.string().min(1).default('gpt-4o').describe('Model name of the LLM user.'),
    userApiKey: z.string().default('').describe('API key of the LLM user endpoint; empty sends none.'),
    userTemperature: z.number().min(0).default(0).describe('Sampling temperature of the LLM user.'),
    userTimeoutMs: z
      .number()
      .int()
      .positive()
      .default(60_000)
      .describe('Timeout of one LLM user request, ms.'),
    userMaxRetries: z.number().int().min(0).default(2).describe('Retries of a failed LLM user request.'),
  })
  .strict();

/** A resolved retail configuration. */
export type RetailEnvironmentConfig = z.output<typeof RetailEnvironmentConfigSchema>;

/** Options of `loadRetailEnvironment`. */
export type LoadRetailEnvironmentOptions = {
  readonly config: RetailEnvironmentConfig;
  /** The tools over the database; default the 16 of `RETAIL_TOOLS`. */
  readonly tools?: readonly RetailTool[];
  /** Where to look for the data when `config.dataDir` is empty; usually the repository root. */
  readonly root: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Splits to load; default all three. */
  readonly splits?: readonly RetailSplit[];
};

/** Finds and loads the data and tasks, and builds the environment the configuration asks for. */
export async function loadRetailEnvironment(
  options: LoadRetailEnvironmentOptions,
): Promise<RetailEnvironment> {
  const { config } = options;
  const dataDir =
    config.dataDir !== '' ? config.dataDir : findRetailDataDir({ root: options.root, env: options.env });
  if (dataDir === undefined) {
    throw new EnvironmentError(
      'environment_data_invalid',
      `τ-bench retail data not found in or beside ${options.root}; set dataDir or STATESET_TAU_RETAIL`,
    );
  }
  const splits = options.splits ?? RETAIL_SPLITS;
  const [data, ...taskLists] = await Promise.all([
    loadRetailData(dataDir),
    ...splits.map((split) => loadRetailTasks({ dataDir, split })),
  ]);
  const tasks: Partial<Record<RetailSplit, readonly RetailTask[]>> = {};
  splits.forEach((split, index) => (tasks[split] = taskLists[index]));
  const llmUser =
    config.userBaseUrl === ''
      ? undefined
      : {
          baseURL: config.userBaseUrl,
          model: config.userModel,
          ...(config.userApiKey === '' ? {} : { apiKey: config.userApiKey }),
          temperature: config.userTemperature,
          timeoutMs: config.userTimeoutMs,
          maxRetries: config.userMaxRetries,
        };
  return createRetailEnvironment({
    data,
    tasks,
    ...(options.tools ? { tools: options.tools } : {}),
    ...(llmUser ? { llmUser } : {}),
  });
}
