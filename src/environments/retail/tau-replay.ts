// `stateset-agents tau-replay --data DIR --actions FILE`: replays a JSON list of τ-bench actions on
// a fresh retail database and prints `{ "outputs": [...], "dbHash": "<hex>" }`.

import { readFile } from 'node:fs/promises';
import { StatesetError } from '../../errors.js';
import { freshDatabase, loadRetailData } from './retail-data.js';
import { parseReplayActions, replayActions } from './replay.js';

/** Options of `runTauReplay`. */
export type TauReplayOptions = {
  /** The τ-bench retail folder (data/*.json, wiki.md, tool_schemas.json). */
  readonly dataDir: string;
  /** A JSON array of `{ "name": tool, "kwargs": {…} }`. */
  readonly actionsFile: string;
};

/** What the command prints and its exit status. */
export type TauReplayResult = {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
};

/**
 * Runs the replay. Exit 0 with the JSON on stdout, even when tools answered with errors (they are
 * outputs); exit 1 with a message on stderr when the file, its JSON, a tool name or the data is bad.
 */
export async function runTauReplay(options: TauReplayOptions): Promise<TauReplayResult> {
  const file = options.actionsFile;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    return failure(`cannot read actions file ${file}: ${(error as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return failure(`actions file ${file} is not valid JSON: ${(error as Error).message}`);
  }
  const actions = parseReplayActions(value);
  if (!actions.ok) return failure(`actions file ${file}: ${actions.error}`);
  try {
    const data = await loadRetailData(options.dataDir);
    const result = replayActions(freshDatabase(data), actions.value);
    return {
      exitCode: 0,
      stdout: `${JSON.stringify({ outputs: result.outputs, dbHash: result.dbHash })}\n`,
      stderr: '',
    };
  } catch (error) {
    if (error instanceof StatesetError) return failure(`${error.message} [${error.code}]`);
    throw error;
  }
}

function failure(message: string): TauReplayResult {
  return { exitCode: 1, stdout: '', stderr: `tau-replay: ${message}\n` };
}
