// Checks of deploy/compose.yaml with the Prometheus and Grafana files it mounts: services refer to
// services that exist, the server's published port, health check and scrape target are the port it
// listens on, mounted files exist, Grafana's datasource and dashboards are the ones provisioned.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, posix, resolve } from 'node:path';
import { parse } from 'yaml';
import { ENV_PREFIX } from '../../src/cli/command.js';
import { resolveConfig } from '../../src/config/schema-config.js';
import { ServeConfigSchema, type ServeConfig } from '../../src/serving/serve-config.js';
import { execForm, lastInstruction, runtimeStage, stageEnv, type Stage } from './dockerfile.js';
import { SHUTDOWN_MARGIN_SECONDS } from './kubernetes-server-checks.js';
import { cliCommandOf, commandSchema } from './pod-command.js';

/** One compose service, as far as the checks read it. */
export type ComposeService = {
  readonly image?: string;
  readonly build?: { readonly context: string; readonly dockerfile: string };
  readonly ports?: readonly string[];
  readonly environment?: Readonly<Record<string, string>>;
  readonly volumes?: readonly string[];
  readonly healthcheck?: { readonly test: readonly string[] };
  readonly depends_on?: readonly string[] | Readonly<Record<string, { readonly condition: string }>>;
  readonly stop_grace_period?: string;
};

/** The compose file and the configuration files it mounts, parsed. */
export type ComposeProject = {
  /** The folder of compose.yaml (paths in it are relative to here). */
  readonly dir: string;
  readonly services: Record<string, ComposeService>;
  readonly prometheus: {
    rule_files?: string[];
    scrape_configs: { job_name: string; metrics_path?: string; static_configs: { targets: string[] }[] }[];
  };
  readonly datasources: { datasources: { uid: string; type: string; url: string }[] };
  readonly providers: { providers: { options: { path: string } }[] };
  /** Dashboard JSON by file name. */
  readonly dashboards: Record<string, unknown>;
};

/** Where the Prometheus image reads its configuration. */
const PROMETHEUS_CONFIG = '/etc/prometheus/prometheus.yml';

/** The deploy folder. */
export const DEPLOY_DIR = join(process.cwd(), 'deploy');

/** Loads deploy/compose.yaml and the Prometheus and Grafana files next to it. */
export function loadComposeProject(dir: string = DEPLOY_DIR): ComposeProject {
  const read = (path: string) => parse(readFileSync(join(dir, path), 'utf8'));
  const dashboardsDir = join(dir, 'grafana', 'dashboards');
  const dashboards: Record<string, unknown> = {};
  for (const file of readdirSync(dashboardsDir).filter((name) => name.endsWith('.json'))) {
    dashboards[file] = JSON.parse(readFileSync(join(dashboardsDir, file), 'utf8'));
  }
  return {
    dir,
    services: read('compose.yaml').services,
    prometheus: read('prometheus/prometheus.yml'),
    datasources: read('grafana/provisioning/datasources/prometheus.yml'),
    providers: read('grafana/provisioning/dashboards/stateset-agents.yml'),
    dashboards,
  };
}

/** The configuration the compose server runs with: the image's entrypoint flags, image ENV, compose environment. */
export function composeServerConfig(project: ComposeProject, stages: readonly Stage[]): ServeConfig {
  const runtime = runtimeStage(stages);
  const command = cliCommandOf(execForm(lastInstruction(runtime, 'ENTRYPOINT')?.text ?? '') ?? []);
  const composeEnv = Object.entries(project.services.server?.environment ?? {}).map(
    ([name, value]) => [name, interpolate(value)] as const,
  );
  const env = { ...stageEnv(runtime), ...Object.fromEntries(composeEnv) };
  const resolved = resolveConfig({
    schema: commandSchema('serve')!,
    argv: command?.flags ?? [],
    env,
    envPrefix: ENV_PREFIX,
  });
  if (!resolved.ok) throw resolved.error;
  const values = resolved.value as Record<string, unknown>;
  return ServeConfigSchema.parse(
    Object.fromEntries(Object.entries(values).filter(([key]) => key in ServeConfigSchema.shape)),
  );
}

/** Services refer to services that exist; a service waited on until healthy has a health check. */
export function dependencyProblems(project: ComposeProject): string[] {
  const problems: string[] = [];
  for (const [name, service] of Object.entries(project.services)) {
    const dependsOn = service.depends_on ?? [];
    const entries = Array.isArray(dependsOn)
      ? dependsOn.map((dependency) => [dependency, undefined] as const)
      : Object.entries(dependsOn).map(([dependency, spec]) => [dependency, spec.condition] as const);
    for (const [dependency, condition] of entries) {
      const target = project.services[dependency];
      if (target === undefined) problems.push(`${name} depends on ${dependency}, which is no service`);
      else if (condition === 'service_healthy' && target.healthcheck === undefined) {
        problems.push(`${name} waits for ${dependency} to be healthy, but ${dependency} has no healthcheck`);
      }
    }
  }
  return problems;
}

/**
 * The server is built from deploy/Dockerfile, publishes and health-checks the port it listens on,
 * stops within its grace period, and finds Redis at a Redis service.
 */
export function serverServiceProblems(project: ComposeProject, config: ServeConfig): string[] {
  const problems: string[] = [];
  const server = project.services.server;
  if (server === undefined) return ['compose has no service "server"'];
  const build = server.build;
  if (build === undefined || !existsSync(resolve(project.dir, build.context, build.dockerfile))) {
    problems.push('server: build.dockerfile does not exist relative to build.context');
  }
  const published = (server.ports ?? []).map((mapping) => Number(mapping.split(':').at(-1)));
  if (!published.includes(config.port))
    problems.push(`server: no published port maps to ${config.port}, where it listens`);
  const check = (server.healthcheck?.test ?? []).join(' ');
  const url = /http:\/\/[^\s'"`)]+/.exec(check);
  if (url === null) problems.push('server: its healthcheck asks no http:// URL');
  else if (Number(new URL(url[0]).port) !== config.port) {
    problems.push(
      `server: the healthcheck asks port ${new URL(url[0]).port}, the server listens on ${config.port}`,
    );
  }
  const grace = Number(/^(\d+)s$/.exec(server.stop_grace_period ?? '10s')?.[1]);
  if (!(grace >= Math.ceil(config.shutdownDeadlineMs / 1000) + SHUTDOWN_MARGIN_SECONDS)) {
    problems.push(
      `server: stop_grace_period ${server.stop_grace_period} is shorter than the shutdown deadline and margin`,
    );
  }
  if (config.store === 'redis') {
    const redisUrl = new URL(config.redisUrl);
    const redis = project.services[redisUrl.hostname];
    if (redis === undefined || !(redis.image ?? '').startsWith('redis')) {
      problems.push(`server: redisUrl host ${redisUrl.hostname} is no Redis service`);
    }
  }
  return problems;
}

/** The health check path of the compose server, for asking a real server. */
export function composeHealthcheckPath(project: ComposeProject): string | undefined {
  const url = /http:\/\/[^\s'"`)]+/.exec((project.services.server?.healthcheck?.test ?? []).join(' '));
  return url === null ? undefined : new URL(url[0]).pathname;
}

/** Prometheus scrapes the server's port and loads rule files that compose mounts from deploy/. */
export function prometheusProblems(project: ComposeProject, config: ServeConfig): string[] {
  const problems: string[] = [];
  for (const scrape of project.prometheus.scrape_configs) {
    for (const target of scrape.static_configs.flatMap((entry) => entry.targets)) {
      const [host, port] = target.split(':');
      if (project.services[host] === undefined)
        problems.push(`prometheus scrapes ${target}: ${host} is no service`);
      else if (host === 'server' && Number(port) !== config.port) {
        problems.push(`prometheus scrapes ${target}, the server listens on ${config.port}`);
      }
    }
  }
  const mounts = bindMounts(project.services.prometheus);
  const mainFile = mounts.find((entry) => entry.target === PROMETHEUS_CONFIG);
  if (
    mainFile === undefined ||
    resolve(project.dir, mainFile.source) !== join(project.dir, 'prometheus', 'prometheus.yml')
  ) {
    problems.push(`prometheus does not get prometheus/prometheus.yml at ${PROMETHEUS_CONFIG}`);
  }
  for (const rules of project.prometheus.rule_files ?? []) {
    const mount = mounts.find((entry) => entry.target === rules);
    if (mount === undefined) problems.push(`prometheus loads ${rules}, which compose does not mount`);
  }
  return problems;
}

/** Grafana's datasource is the Prometheus service; dashboards are mounted where the provider looks and use its uid. */
export function grafanaProblems(project: ComposeProject): string[] {
  const problems: string[] = [];
  const uids = project.datasources.datasources.map((source) => source.uid);
  for (const source of project.datasources.datasources) {
    const host = new URL(source.url).hostname;
    if (project.services[host] === undefined)
      problems.push(`grafana datasource ${source.uid}: ${host} is no service`);
  }
  const mounts = bindMounts(project.services.grafana);
  for (const provider of project.providers.providers) {
    const mount = mounts.find((entry) => entry.target === provider.options.path);
    if (
      mount === undefined ||
      resolve(project.dir, mount.source) !== join(project.dir, 'grafana', 'dashboards')
    ) {
      problems.push(
        `grafana provider path ${provider.options.path} is not where compose mounts grafana/dashboards`,
      );
    }
  }
  for (const [file, dashboard] of Object.entries(project.dashboards)) {
    for (const uid of new Set(datasourceUids(dashboard))) {
      if (!uids.includes(uid)) problems.push(`${file}: datasource uid ${uid} is not provisioned`);
    }
  }
  return problems;
}

/** Bind mounts of relative host paths name files or folders that exist (../runs is made by training). */
export function mountProblems(project: ComposeProject): string[] {
  return Object.entries(project.services).flatMap(([name, service]) =>
    bindMounts(service)
      .filter((mount) => mount.source.startsWith('./') && !existsSync(resolve(project.dir, mount.source)))
      .map((mount) => `${name} mounts ${mount.source}, which does not exist`),
  );
}

/** Compose's `${VAR}` and `${VAR:-default}` as `docker compose` reads them with none of the variables set. */
function interpolate(value: string): string {
  return value.replace(
    /\$\{[A-Za-z_][A-Za-z0-9_]*(?::?-([^}]*))?\}/g,
    (_whole, fallback?: string) => fallback ?? '',
  );
}

function bindMounts(service: ComposeService | undefined): { source: string; target: string }[] {
  return (service?.volumes ?? [])
    .map((volume) => volume.split(':'))
    .filter(([source]) => source.startsWith('.') || source.startsWith('/'))
    .map(([source, target]) => ({ source, target: posix.normalize(target) }));
}

function datasourceUids(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(datasourceUids);
  if (typeof value !== 'object' || value === null) return [];
  const record = value as Record<string, unknown>;
  const own = record.datasource as { uid?: unknown } | undefined;
  const uid = typeof own?.uid === 'string' ? [own.uid] : [];
  return [...uid, ...Object.values(record).flatMap(datasourceUids)];
}
