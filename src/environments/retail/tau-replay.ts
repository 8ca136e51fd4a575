// `stateset-agents tau-replay --data DIR --actions FILE`: replays a JSON list of τ-bench actions on
// a fresh retail database and prints `{ "outputs": [...], "dbHash": "<hex>" }`.

import { readFile } from 'node:fs/promises';
import { ConfigError, StatesetError } from '../../errors.js';
import { freshDatabase, loadRetailData } from './retail-data.js';
import { parseReplayActions, replayActions } from './replay.js';

/** Options of `runTauReplay`. */
export type TauReplayOptions = {
  /** The τ-bench retail folder (data/*.json, wiki.md, tool_schemas.json). */
  readonly dataDir: string;
  /** A JSON array of `{ "name": tool, "kwargs": {…} }`. */
  readonly actionsFile: string;
};

/** What the command prints and its exit status; `error` is what made it fail. */
export type TauReplayResult = {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly error?: StatesetError;
};

/**
 * Runs the replay. Exit 0 with the JSON on stdout, even when tools answered with errors (they are
 * outputs); exit 1 with a message on stderr when the file or its JSON is bad (invalid_config), a
 * name is no tool (unknown_tool, before anything runs) or the data folder is bad.
 */
export async function runTauReplay(options: TauReplayOptions): Promise<TauReplayResult> {
  const file = options.actionsFile;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    return failure(
      new ConfigError('invalid_config', `cannot read actions file ${file}: ${(error as Error).message}`),
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return failure(
      new ConfigError(
        'invalid_config',
        `actions file ${file} is not valid JSON: ${(error as Error).message}`,
      ),
    );
  }
  const actions = parseReplayActions(value);
  if (!actions.ok)
    return failure(new ConfigError('invalid_config', `actions file ${file}: ${actions.error}`));
  try {
    const data = await loadRetailData(options.dataDir);
    const result = replayActions(freshDatabase(data), actions.value);
    const stdout = `${JSON.stringify({ outputs: result.outputs, dbHash: result.dbHash })}\n`;
    return { exitCode: 0, stdout, stderr: '' };
  } catch (error) {
    if (error instanceof StatesetError) return failure(error);
    throw error;
  }
}

function failure(error: StatesetError): TauReplayResult {
  return { exitCode: 1, stdout: '', stderr: `tau-replay: ${error.message} [${error.code}]\n`, error };
}
