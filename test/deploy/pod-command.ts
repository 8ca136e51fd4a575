// What a container of the manifests would run: its argv (the image's ENTRYPOINT unless `command`
// replaces it, then `args`), its environment (image ENV, env, envFrom, with $(VAR) expanded), and
// its CLI configuration resolved by the same code the binary uses.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import type { z } from 'zod';
import { ENV_PREFIX } from '../../src/cli/command.js';
import { findCommand } from '../../src/cli/registry.js';
import type { ConfigResult } from '../../src/config/config-result.js';
import { resolveConfig } from '../../src/config/schema-config.js';
import type { ConfigSchema } from '../../src/config/schema-fields.js';
import { execForm, lastInstruction, runtimeStage, stageEnv, type Stage } from './dockerfile.js';
import {
  dataValue,
  findObject,
  type Container,
  type KubernetesBundle,
  type PodTemplate,
} from './kubernetes-bundle.js';

/** The compiled CLI the image runs (`node dist/src/cli/main.js <command>`). */
export const CLI_SCRIPT = 'dist/src/cli/main.js';

/** A value fieldRef variables get in the checks (a pod name). */
const FIELD_REF_SAMPLE = 'stateset-agents-7d9f8-abcde';

/** True for an image built from deploy/Dockerfile (repository name `stateset-agents`, any registry or tag). */
export function isProjectImage(image: string): boolean {
  return /(^|\/)stateset-agents(:[^/]*)?$/.test(image);
}

/** The argv of a container of the project image: `command` or the Dockerfile's ENTRYPOINT, then `args`. */
export function containerArgv(container: Container, stages: readonly Stage[]): string[] {
  const entrypoint = lastInstruction(runtimeStage(stages), 'ENTRYPOINT');
  const base = container.command ?? (entrypoint === undefined ? [] : (execForm(entrypoint.text) ?? []));
  return [...base, ...(container.args ?? [])];
}

/** The CLI command an argv runs (`node dist/src/cli/main.js train …` → `train`), else undefined. */
export function cliCommandOf(argv: readonly string[]): { name: string; flags: string[] } | undefined {
  if (argv[0] !== 'node' || argv[1] !== CLI_SCRIPT || argv[2] === undefined) return undefined;
  return { name: argv[2], flags: argv.slice(3) };
}

/** The schema of a registered CLI command, or undefined for a name that is none. */
export function commandSchema(name: string): ConfigSchema | undefined {
  return findCommand(name)?.schema;
}

/** The environment a container sees, image ENV first; secret values come from the bundle (the example). */
export function containerEnv(
  bundle: KubernetesBundle,
  container: Container,
  stages: readonly Stage[],
): Record<string, string> {
  const env: Record<string, string> = { ...stageEnv(runtimeStage(stages)) };
  for (const source of container.envFrom ?? []) {
    const ref = source.configMapRef
      ? findObject(bundle, 'ConfigMap', source.configMapRef.name)
      : source.secretRef
        ? findObject(bundle, 'Secret', source.secretRef.name)
        : undefined;
    for (const key of [...Object.keys(ref?.data ?? {}), ...Object.keys(ref?.stringData ?? {})]) {
      env[key] = dataValue(ref!, key) ?? '';
    }
  }
  for (const variable of container.env ?? []) {
    const from = variable.valueFrom;
    let value = variable.value ?? '';
    if (from?.fieldRef) value = FIELD_REF_SAMPLE;
    const keyRef = from?.configMapKeyRef ?? from?.secretKeyRef;
    if (keyRef !== undefined) {
      const kind = from?.configMapKeyRef ? 'ConfigMap' : 'Secret';
      const object = findObject(bundle, kind, keyRef.name);
      value = object === undefined ? '' : (dataValue(object, keyRef.key) ?? '');
    }
    env[variable.name] = value.replace(
      /\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g,
      (whole, name: string) => env[name] ?? whole,
    );
  }
  return env;
}

/** The text of the file at `path` inside the container when a config map or secret volume provides it. */
export function mountedFile(
  bundle: KubernetesBundle,
  template: PodTemplate,
  container: Container,
  path: string,
): string | undefined {
  for (const mount of container.volumeMounts ?? []) {
    const relative = posix.relative(mount.mountPath, path);
    if (relative.startsWith('..') || relative === '') continue;
    const volume = (template.spec.volumes ?? []).find((entry) => entry.name === mount.name);
    const source = volume?.configMap
      ? { kind: 'ConfigMap', name: volume.configMap.name, items: volume.configMap.items }
      : volume?.secret
        ? { kind: 'Secret', name: volume.secret.secretName, items: volume.secret.items }
        : undefined;
    if (source === undefined) continue;
    const key =
      source.items === undefined ? relative : source.items.find((item) => item.path === relative)?.key;
    const object = findObject(bundle, source.kind, source.name);
    if (key !== undefined && object !== undefined) return dataValue(object, key);
  }
  return undefined;
}

/** What resolving a container's CLI configuration produced. */
export type ResolvedCommand<S extends ConfigSchema = ConfigSchema> = {
  readonly name: string;
  readonly flags: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  /** The text of the --config file, when one is given and mounted. */
  readonly configFile: string | undefined;
  readonly result: ConfigResult<z.output<S>>;
};

/**
 * Resolves the container's CLI configuration as `runCli` would (defaults < file < env < flags).
 * Undefined when the container is not of the project image or does not run the CLI; a `--config` file that no config map or
 * secret mounts fails the result.
 */
export function resolveContainerCommand(
  bundle: KubernetesBundle,
  template: PodTemplate,
  container: Container,
  stages: readonly Stage[],
): ResolvedCommand | { readonly name: string; readonly unknownCommand: true } | undefined {
  if (!isProjectImage(container.image)) return undefined;
  const command = cliCommandOf(containerArgv(container, stages));
  if (command === undefined) return undefined;
  const schema = commandSchema(command.name);
  if (schema === undefined) return { name: command.name, unknownCommand: true };
  const env = containerEnv(bundle, container, stages);
  const at = command.flags.indexOf('--config');
  const configPath = at === -1 ? undefined : command.flags[at + 1];
  const configFile =
    configPath === undefined ? undefined : mountedFile(bundle, template, container, configPath);
  const dir = mkdtempSync(join(tmpdir(), 'stateset-manifest-'));
  try {
    const flags = [...command.flags];
    if (configPath !== undefined) {
      const local = join(dir, 'config.json');
      if (configFile !== undefined) writeFileSync(local, configFile);
      flags[at + 1] = local; // a missing file makes resolveConfig fail, naming it
    }
    const result = resolveConfig({ schema, argv: flags, env, envPrefix: ENV_PREFIX });
    return { name: command.name, flags: command.flags, env, configFile, result };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
