// Checks of deploy/Dockerfile and .dockerignore: two node:20 slim stages, dependencies installed
// with the project's .npmrc, production dependencies only at runtime, a non-root user, a health
// check on the exposed port, an entrypoint that runs `serve`, and COPY sources that exist and are
// not ignored. Each returns its problems, one sentence each.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  execForm,
  healthcheckUrl,
  lastInstruction,
  runtimeStage,
  stageEnv,
  type Stage,
} from './dockerfile.js';
import { cliCommandOf, CLI_SCRIPT, commandSchema } from './pod-command.js';

/** The base image both stages use. */
export const BASE_IMAGE = 'node:20-bookworm-slim';

/** Stages, installs, user and entrypoint are as a production image needs them. */
export function imageProblems(stages: readonly Stage[]): string[] {
  const problems: string[] = [];
  if (stages.length < 2) return ['the Dockerfile needs a build stage and a runtime stage'];
  for (const stage of stages) {
    if (stage.image !== BASE_IMAGE)
      problems.push(`stage ${stage.name ?? stage.image} is not FROM ${BASE_IMAGE}`);
  }
  const build = stages[0];
  const runtime = runtimeStage(stages);
  problems.push(...installProblems(build, 'npm ci', 'build'));
  if (build.instructions.some((entry) => entry.keyword === 'RUN' && entry.text.includes('--omit=dev'))) {
    problems.push('the build stage leaves out the dev dependencies the compiler needs');
  }
  if (!build.instructions.some((entry) => entry.keyword === 'RUN' && entry.text.includes('npm run build'))) {
    problems.push('the build stage does not run `npm run build`');
  }
  problems.push(...installProblems(runtime, 'npm ci --omit=dev', 'runtime'));
  if (
    runtime.instructions.some((entry) => entry.keyword === 'RUN' && /npm ci(?!.*--omit=dev)/.test(entry.text))
  ) {
    problems.push('the runtime stage installs dev dependencies');
  }
  if (
    !runtime.instructions.some(
      (entry) => entry.keyword === 'COPY' && entry.text.startsWith(`--from=${build.name}`),
    )
  ) {
    problems.push('the runtime stage copies nothing from the build stage');
  }
  const user = lastInstruction(runtime, 'USER')?.text.split(':')[0];
  if (user === undefined || user === 'root' || user === '0') problems.push('the image runs as root');
  const argv = execForm(lastInstruction(runtime, 'ENTRYPOINT')?.text ?? '');
  const command = argv === undefined ? undefined : cliCommandOf(argv);
  if (command?.name !== 'serve') {
    problems.push(`the entrypoint must run \`node ${CLI_SCRIPT} serve\`, not ${JSON.stringify(argv)}`);
  } else if (command.flags.join(' ') !== '--host 0.0.0.0') {
    problems.push('the entrypoint must listen on every interface (--host 0.0.0.0)');
  }
  const serveKeys = Object.keys(commandSchema('serve')?.shape ?? {});
  for (const variable of Object.keys(stageEnv(runtime)).filter((name) => name.startsWith('STATESET_'))) {
    const key = variable
      .slice('STATESET_'.length)
      .toLowerCase()
      .replace(/_([a-z0-9])/g, (_whole, letter: string) => letter.toUpperCase());
    if (!serveKeys.includes(key)) problems.push(`ENV ${variable} sets no field of serve's configuration`);
  }
  return problems;
}

/** The health check asks the exposed port; the port it asks is the one `serve` listens on. */
export function healthcheckProblems(stages: readonly Stage[], listenPort: number): string[] {
  const runtime = runtimeStage(stages);
  const url = healthcheckUrl(runtime);
  if (url === undefined) return ['the image has no HEALTHCHECK with an http:// URL'];
  const exposed = (lastInstruction(runtime, 'EXPOSE')?.text ?? '')
    .split(/\s+/)
    .map((port) => Number(port.split('/')[0]));
  const problems: string[] = [];
  if (!exposed.includes(listenPort))
    problems.push(`EXPOSE ${exposed.join(' ')} does not include the server port ${listenPort}`);
  if (Number(url.port) !== listenPort)
    problems.push(`the HEALTHCHECK asks port ${url.port}, the server listens on ${listenPort}`);
  if (/\bcurl\b|\bwget\b/.test(lastInstruction(runtime, 'HEALTHCHECK')?.text ?? '')) {
    problems.push('the HEALTHCHECK uses a tool the slim image does not have');
  }
  return problems;
}

/** COPY sources from the build context exist and .dockerignore does not drop them; it drops local builds. */
export function copyProblems(
  stages: readonly Stage[],
  root: string,
  dockerignore: readonly string[],
): string[] {
  const problems: string[] = [];
  const ignored = (path: string) => dockerignore.some((pattern) => globMatches(pattern, path));
  for (const stage of stages) {
    for (const copy of stage.instructions.filter((entry) => entry.keyword === 'COPY')) {
      if (copy.text.startsWith('--from=')) continue;
      const sources = copy.text
        .split(' ')
        .filter((part) => !part.startsWith('--'))
        .slice(0, -1);
      for (const source of sources) {
        if (!existsSync(join(root, source))) problems.push(`COPY ${source}: no such file in the repository`);
        else if (ignored(source)) problems.push(`COPY ${source}: .dockerignore leaves it out of the context`);
      }
    }
  }
  for (const path of ['node_modules', 'dist', 'runs', '.git']) {
    if (!ignored(path)) problems.push(`.dockerignore does not leave out ${path}`);
  }
  return problems;
}

/** The patterns of a .dockerignore text (comments and blank lines dropped). */
export function dockerignorePatterns(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

/** Docker's matching, simplified: `*` within a segment, `**` across segments, a folder covers its contents. */
function globMatches(pattern: string, path: string): boolean {
  const source = pattern
    .replace(/^\//, '')
    .split('**')
    .map((part) => part.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*'))
    .join('.*');
  return new RegExp(`^${source}(/.*)?$`).test(path.replace(/^\.\//, '').replace(/\/$/, ''));
}

/** The stage runs `command`, after copying .npmrc (onnxruntime-node-install=skip) into the image. */
function installProblems(stage: Stage, command: string, label: string): string[] {
  const install = stage.instructions.findIndex(
    (entry) => entry.keyword === 'RUN' && entry.text.startsWith(command),
  );
  if (install === -1) return [`the ${label} stage does not run \`${command}\``];
  const npmrc = stage.instructions.findIndex(
    (entry) => entry.keyword === 'COPY' && entry.text.split(' ').includes('.npmrc'),
  );
  return npmrc !== -1 && npmrc < install
    ? []
    : [`the ${label} stage runs \`${command}\` without the project's .npmrc`];
}
