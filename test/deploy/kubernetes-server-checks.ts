// Checks that hold the manifests to the real server and CLI: every container's command is a real
// command whose flags, config file and environment resolve; the server's config is sound for
// several replicas; probes answer 200 on a server built with that config; the grace period covers
// the shutdown deadline.

import { createApiKeyRing } from '../../src/serving/api-keys.js';
import { ServeConfigSchema, type ServeConfig } from '../../src/serving/serve-config.js';
import type { Stage } from './dockerfile.js';
import {
  containerHasPort,
  findObject,
  objectsOfKind,
  refOf,
  workloads,
  type Container,
  type KubernetesBundle,
  type PodTemplate,
  type Workload,
} from './kubernetes-bundle.js';
import { isProjectImage, resolveContainerCommand } from './pod-command.js';

/** Seconds the process needs after the in-flight deadline: flush stores, close, exit. */
export const SHUTDOWN_MARGIN_SECONDS = 2;

/** A container that runs `serve`, its workload, and its resolved configuration. */
export type ServerContainer = {
  readonly workload: Workload;
  readonly container: Container;
  readonly config: ServeConfig;
  /** Every resolved value of the serve command (its schema may extend ServeConfigSchema). */
  readonly values: Readonly<Record<string, unknown>>;
  readonly env: Readonly<Record<string, string>>;
  readonly configFile: string | undefined;
};

/** Every container of the project image runs a CLI command whose configuration resolves. */
export function commandProblems(bundle: KubernetesBundle, stages: readonly Stage[]): string[] {
  const problems: string[] = [];
  for (const { object, template } of workloads(bundle)) {
    for (const container of template.spec.containers) {
      const resolved = resolveContainerCommand(bundle, template, container, stages);
      const where = `${refOf(object)} container ${container.name}`;
      if (resolved === undefined) {
        if (isProjectImage(container.image)) problems.push(`${where}: does not run the stateset-agents CLI`);
      } else if ('unknownCommand' in resolved) {
        problems.push(`${where}: "${resolved.name}" is not a stateset-agents command`);
      } else if (!resolved.result.ok) {
        problems.push(
          `${where}: ${resolved.name} refuses its configuration: ${resolved.result.error.message}`,
        );
      }
    }
  }
  return problems;
}

/** The server containers (those running `serve`) with their resolved configuration. */
export function serverContainers(bundle: KubernetesBundle, stages: readonly Stage[]): ServerContainer[] {
  return workloads(bundle).flatMap((workload) =>
    workload.template.spec.containers.flatMap((container): ServerContainer[] => {
      const resolved = resolveContainerCommand(bundle, workload.template, container, stages);
      if (resolved === undefined || 'unknownCommand' in resolved || resolved.name !== 'serve') return [];
      if (!resolved.result.ok) return [];
      // The serve command's schema may extend ServeConfigSchema; buildServer reads these fields.
      const values = resolved.result.value as Record<string, unknown>;
      const config = ServeConfigSchema.parse(pickServeFields(values));
      return [{ workload, container, config, values, env: resolved.env, configFile: resolved.configFile }];
    }),
  );
}

/**
 * The server's configuration is sound: its port is the container port; the config file sets no
 * key the environment overrides (a dead value); the API keys parse; several replicas share
 * conversations through Redis, at a URL naming a Service of the manifests on its port, and run no
 * training jobs (which live in the replica that started them).
 */
export function serveConfigProblems(bundle: KubernetesBundle, stages: readonly Stage[]): string[] {
  const problems: string[] = [];
  const servers = serverContainers(bundle, stages);
  if (servers.length === 0) problems.push('no container runs `serve` with a valid configuration');
  for (const { workload, container, config, values, env, configFile } of servers) {
    const where = `${refOf(workload.object)} container ${container.name}`;
    if (!containerHasPort([container], config.port)) {
      problems.push(`${where}: the server listens on ${config.port}, which is no container port`);
    }
    const fileKeys = configFile === undefined ? [] : Object.keys(JSON.parse(configFile) as object);
    for (const key of fileKeys) {
      const variable = `STATESET_${key.replace(/[A-Z]/g, (letter) => `_${letter}`).toUpperCase()}`;
      if (env[variable] !== undefined && env[variable] !== '') {
        problems.push(`${where}: config file key "${key}" is dead, ${variable} overrides it`);
      }
    }
    try {
      createApiKeyRing({ hashes: config.apiKeyHashes, rawKeys: config.apiKeys });
    } catch (error) {
      problems.push(`${where}: API keys do not parse: ${(error as Error).message}`);
    }
    if (maxReplicas(bundle, workload) > 1 && config.store !== 'redis') {
      problems.push(`${where}: several replicas with store "${config.store}" would not share conversations`);
    }
    if (maxReplicas(bundle, workload) > 1 && values.trainingJobs === true) {
      problems.push(
        `${where}: training jobs live in one replica; with several, a job's next request may not find it`,
      );
    }
    if (config.store === 'redis') problems.push(...redisUrlProblems(bundle, where, config.redisUrl));
  }
  return problems;
}

/** terminationGracePeriodSeconds ≥ preStop sleep + shutdownDeadlineMs + SHUTDOWN_MARGIN_SECONDS. */
export function shutdownProblems(bundle: KubernetesBundle, stages: readonly Stage[]): string[] {
  return serverContainers(bundle, stages).flatMap(({ workload, container, config }) => {
    const grace = workload.template.spec.terminationGracePeriodSeconds ?? 30;
    const preStop = container.lifecycle?.preStop?.exec?.command ?? [];
    const sleep = preStop[0] === 'sleep' ? Number(preStop[1]) : 0;
    const needed = sleep + Math.ceil(config.shutdownDeadlineMs / 1000) + SHUTDOWN_MARGIN_SECONDS;
    return grace >= needed
      ? []
      : [
          `${refOf(workload.object)}: terminationGracePeriodSeconds ${grace} < preStop ${sleep} s + shutdown deadline ` +
            `${config.shutdownDeadlineMs / 1000} s + margin ${SHUTDOWN_MARGIN_SECONDS} s`,
        ];
  });
}

/** An HPA scaling on CPU utilisation needs CPU requests on its target's containers. */
export function autoscalingProblems(bundle: KubernetesBundle): string[] {
  const problems: string[] = [];
  for (const hpa of objectsOfKind(bundle, 'HorizontalPodAutoscaler')) {
    const target = hpa.spec?.scaleTargetRef as { kind: string; name: string };
    const metrics = (hpa.spec?.metrics ?? []) as { resource?: { name: string } }[];
    const template = findObject(bundle, target.kind, target.name)?.spec?.template as PodTemplate | undefined;
    if (template === undefined || !metrics.some((metric) => metric.resource?.name === 'cpu')) continue;
    for (const container of template.spec.containers) {
      if (container.resources?.requests?.cpu === undefined) {
        problems.push(`${refOf(hpa)}: scales on CPU but ${target.name}/${container.name} requests no CPU`);
      }
    }
  }
  return problems;
}

/** The URL paths every probe and scrape annotation of the server pods asks for. */
export function serverProbePaths(bundle: KubernetesBundle, stages: readonly Stage[]): string[] {
  const paths = new Set<string>();
  for (const { workload, container } of serverContainers(bundle, stages)) {
    for (const probe of [container.livenessProbe, container.readinessProbe, container.startupProbe]) {
      if (probe?.httpGet !== undefined) paths.add(probe.httpGet.path);
    }
    const scrape = workload.template.metadata?.annotations?.['prometheus.io/path'];
    if (scrape !== undefined) paths.add(scrape);
  }
  return [...paths];
}

function maxReplicas(bundle: KubernetesBundle, workload: Workload): number {
  const hpa = objectsOfKind(bundle, 'HorizontalPodAutoscaler').find((entry) => {
    const target = entry.spec?.scaleTargetRef as { kind: string; name: string };
    return target.kind === workload.object.kind && target.name === workload.object.metadata.name;
  });
  return Math.max(Number(workload.object.spec?.replicas ?? 1), Number(hpa?.spec?.maxReplicas ?? 0));
}

function redisUrlProblems(bundle: KubernetesBundle, where: string, redisUrl: string): string[] {
  const url = new URL(redisUrl);
  const [serviceName, namespace] = url.hostname.split('.');
  const service = findObject(bundle, 'Service', serviceName);
  const inCluster = !url.hostname.includes('.') || url.hostname.endsWith('.svc.cluster.local');
  if (!inCluster) return []; // a managed Redis outside the cluster
  if (service === undefined || (namespace !== undefined && service.metadata.namespace !== namespace)) {
    return [`${where}: redisUrl host ${url.hostname} is no Service of the manifests`];
  }
  const ports = (service.spec?.ports ?? []) as { port: number }[];
  const port = Number(url.port === '' ? 6379 : url.port);
  return ports.some((entry) => entry.port === port)
    ? []
    : [`${where}: ${refOf(service)} has no port ${port}`];
}

function pickServeFields(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).filter(([key]) => key in ServeConfigSchema.shape));
}
