// A small reader of deploy/Dockerfile: its instructions grouped by build stage, with continuation
// lines joined and JSON (exec form) arguments decoded. Enough for the checks, not a full parser.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One instruction: `RUN npm ci` → { keyword: 'RUN', text: 'npm ci' }. */
export type Instruction = { readonly keyword: string; readonly text: string };

/** One build stage: its base image, its name (`AS build`), its instructions after FROM. */
export type Stage = {
  readonly image: string;
  readonly name: string | undefined;
  readonly instructions: Instruction[];
};

/** The Dockerfile of the server image. */
export const DOCKERFILE = join(process.cwd(), 'deploy', 'Dockerfile');

/** The stages of the Dockerfile text, in order. */
export function parseDockerfile(text: string): Stage[] {
  const stages: Stage[] = [];
  const logical = text
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  for (const line of logical) {
    const space = line.search(/\s/);
    const keyword = (space === -1 ? line : line.slice(0, space)).toUpperCase();
    const rest = space === -1 ? '' : line.slice(space + 1).trim();
    if (keyword === 'FROM') {
      const [image, as, name] = rest.split(/\s+/);
      stages.push({ image, name: as?.toUpperCase() === 'AS' ? name : undefined, instructions: [] });
    } else if (stages.length > 0) {
      stages.at(-1)!.instructions.push({ keyword, text: rest.replace(/\s+/g, ' ') });
    }
  }
  return stages;
}

/** Reads and parses deploy/Dockerfile. */
export function loadDockerfile(path: string = DOCKERFILE): Stage[] {
  return parseDockerfile(readFileSync(path, 'utf8'));
}

/** The exec-form arguments of an instruction (`["node", "x"]`), or undefined for shell form. */
export function execForm(text: string): string[] | undefined {
  if (!text.startsWith('[')) return undefined;
  const parsed = JSON.parse(text) as unknown;
  return Array.isArray(parsed) && parsed.every((item) => typeof item === 'string') ? parsed : undefined;
}

/** The last instruction with this keyword in a stage. */
export function lastInstruction(stage: Stage, keyword: string): Instruction | undefined {
  return stage.instructions.filter((instruction) => instruction.keyword === keyword).at(-1);
}

/** The variables a stage's ENV instructions set (`ENV A=1 B=2` form). */
export function stageEnv(stage: Stage): Record<string, string> {
  const env: Record<string, string> = {};
  for (const instruction of stage.instructions.filter((entry) => entry.keyword === 'ENV')) {
    for (const match of instruction.text.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|\S*)/g)) {
      env[match[1]] = match[2].replace(/^"|"$/g, '');
    }
  }
  return env;
}

/** The runtime stage: the last one, which the image runs. */
export function runtimeStage(stages: readonly Stage[]): Stage {
  const stage = stages.at(-1);
  if (stage === undefined) throw new Error('the Dockerfile has no FROM');
  return stage;
}

/** The HEALTHCHECK's URL (the first http:// URL in its command). */
export function healthcheckUrl(stage: Stage): URL | undefined {
  const check = lastInstruction(stage, 'HEALTHCHECK');
  const match = check === undefined ? null : /http:\/\/[^\s'"`)]+/.exec(check.text);
  return match === null ? undefined : new URL(match[0]);
}
