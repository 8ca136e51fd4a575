// deploy/Dockerfile, .dockerignore and deploy/compose.yaml (with its Prometheus and Grafana files)
// agree with each other and with the real server. Docker cannot run here, so nothing is built or
// started: the checks read the files. Each runs on the files as committed and on a broken copy.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  composeHealthcheckPath,
  composeServerConfig,
  dependencyProblems,
  grafanaProblems,
  loadComposeProject,
  mountProblems,
  prometheusProblems,
  serverServiceProblems,
  type ComposeProject,
} from './compose-checks.js';
import { parseDockerfile, runtimeStage, healthcheckUrl, DOCKERFILE } from './dockerfile.js';
import {
  copyProblems,
  dockerignorePatterns,
  healthcheckProblems,
  imageProblems,
} from './dockerfile-checks.js';
import { probePathProblems } from './server-probe.js';

const root = process.cwd();
const dockerfileText = readFileSync(DOCKERFILE, 'utf8');
const stages = parseDockerfile(dockerfileText);
const ignore = dockerignorePatterns(readFileSync(join(root, '.dockerignore'), 'utf8'));
const project = loadComposeProject();
const config = composeServerConfig(project, stages);

/** The Dockerfile with one text replaced (the replaced text must be there). */
function dockerfileWith(from: string, to: string) {
  expect(dockerfileText).toContain(from);
  return parseDockerfile(dockerfileText.replace(from, to));
}

/** A deep copy of the compose project with `edit` applied. */
function composeWith(edit: (copy: ComposeProject) => void): ComposeProject {
  const copy = structuredClone(project) as ComposeProject;
  edit(copy);
  return copy;
}

describe('deploy/Dockerfile', () => {
  it('builds with dev dependencies, runs production dependencies only, as a non-root user, serving', () => {
    expect(imageProblems(stages)).toEqual([]);
    expect(imageProblems(dockerfileWith('RUN npm ci --omit=dev', 'RUN npm ci'))).toContainEqual(
      expect.stringContaining('runtime stage does not run `npm ci --omit=dev`'),
    );
    expect(imageProblems(dockerfileWith('USER 10001:10001', 'USER root'))).toContain(
      'the image runs as root',
    );
    expect(imageProblems(dockerfileWith('"serve", ', '"chat", '))).toContainEqual(
      expect.stringContaining('the entrypoint must run'),
    );
    expect(
      imageProblems(
        dockerfileWith(
          'COPY package.json package-lock.json .npmrc ./\nRUN npm ci\n',
          'COPY package.json package-lock.json ./\nRUN npm ci\n',
        ),
      ),
    ).toContain("the build stage runs `npm ci` without the project's .npmrc");
    expect(imageProblems(dockerfileWith('STATESET_RUNS_DIR=', 'STATESET_RUN_DIR='))).toContain(
      "ENV STATESET_RUN_DIR sets no field of serve's configuration",
    );
  });

  it('checks health with node on the exposed port the server listens on, at a route that answers 200', async () => {
    expect(config.port).toBe(8000);
    expect(healthcheckProblems(stages, config.port)).toEqual([]);
    expect(healthcheckProblems(dockerfileWith('EXPOSE 8000', 'EXPOSE 3000'), config.port)).toEqual([
      'EXPOSE 3000 does not include the server port 8000',
    ]);
    const url = healthcheckUrl(runtimeStage(stages))!;
    expect(await probePathProblems(config, [url.pathname], 'HEALTHCHECK')).toEqual([]);
    expect(await probePathProblems(config, ['/health'], 'HEALTHCHECK')).toEqual([
      'HEALTHCHECK: GET /health answers 404 on a healthy server, not 200',
    ]);
  });

  it('copies files that exist and that .dockerignore keeps, and ignores local builds', () => {
    expect(copyProblems(stages, root, ignore)).toEqual([]);
    expect(copyProblems(stages, root, [...ignore, 'src'])).toEqual([
      'COPY src: .dockerignore leaves it out of the context',
    ]);
    expect(
      copyProblems(
        stages,
        root,
        ignore.filter((pattern) => pattern !== 'node_modules'),
      ),
    ).toEqual(['.dockerignore does not leave out node_modules']);
    expect(
      copyProblems(dockerfileWith('COPY bench ./bench', 'COPY benchmarks ./bench'), root, ignore),
    ).toEqual(['COPY benchmarks: no such file in the repository']);
  });
});

describe('deploy/compose.yaml', () => {
  it('runs the server with Redis, Prometheus and Grafana, each dependency a real service', () => {
    expect(Object.keys(project.services).sort()).toEqual(['grafana', 'prometheus', 'redis', 'server']);
    expect(config.store).toBe('redis');
    expect(dependencyProblems(project)).toEqual([]);
    const noHealth = composeWith(
      (copy) => delete (copy.services.redis as { healthcheck?: unknown }).healthcheck,
    );
    expect(dependencyProblems(noHealth)).toEqual([
      'server waits for redis to be healthy, but redis has no healthcheck',
    ]);
    const gone = composeWith((copy) => delete copy.services.prometheus);
    expect(dependencyProblems(gone)).toEqual(['grafana depends on prometheus, which is no service']);
  });

  it('publishes and health-checks the port the server listens on, stops within the grace period, finds Redis', async () => {
    expect(serverServiceProblems(project, config)).toEqual([]);
    expect(
      await probePathProblems(config, [composeHealthcheckPath(project)!], 'compose healthcheck'),
    ).toEqual([]);
    const elsewhere = composeServerConfig(
      composeWith(
        (copy) => ((copy.services.server.environment as Record<string, string>).STATESET_PORT = '9000'),
      ),
      stages,
    );
    const problems = serverServiceProblems(project, elsewhere);
    expect(problems).toContain('server: no published port maps to 9000, where it listens');
    expect(problems).toContain('server: the healthcheck asks port 8000, the server listens on 9000');
    const quick = composeWith(
      (copy) => ((copy.services.server as { stop_grace_period: string }).stop_grace_period = '5s'),
    );
    expect(serverServiceProblems(quick, config)).toContainEqual(
      expect.stringContaining('stop_grace_period 5s'),
    );
    const noRedis = composeWith(
      (copy) => (copy.services.cache = copy.services.redis) && delete copy.services.redis,
    );
    expect(serverServiceProblems(noRedis, config)).toEqual([
      'server: redisUrl host redis is no Redis service',
    ]);
  });

  it('Prometheus scrapes the server port and loads the mounted alert rules', () => {
    expect(prometheusProblems(project, config)).toEqual([]);
    const wrongPort = composeWith(
      (copy) => (copy.prometheus.scrape_configs[0].static_configs[0].targets = ['server:9100']),
    );
    expect(prometheusProblems(wrongPort, config)).toEqual([
      'prometheus scrapes server:9100, the server listens on 8000',
    ]);
    const noRules = composeWith((copy) => (copy.prometheus.rule_files = ['/etc/prometheus/rules.yml']));
    expect(prometheusProblems(noRules, config)).toEqual([
      'prometheus loads /etc/prometheus/rules.yml, which compose does not mount',
    ]);
  });

  it('Grafana gets the Prometheus datasource and the dashboards, which use its uid', () => {
    expect(grafanaProblems(project)).toEqual([]);
    const otherUid = composeWith((copy) => (copy.datasources.datasources[0].uid = 'prom'));
    expect(grafanaProblems(otherUid)).toEqual([
      'stateset-agents.json: datasource uid stateset-prometheus is not provisioned',
    ]);
    const otherPath = composeWith((copy) => (copy.providers.providers[0].options.path = '/dashboards'));
    expect(grafanaProblems(otherPath)).toEqual([expect.stringContaining('provider path /dashboards')]);
  });

  it('mounts configuration files that exist', () => {
    expect(mountProblems(project)).toEqual([]);
    const missing = composeWith((copy) =>
      (copy.services.prometheus.volumes as string[]).push('./prometheus/extra.yml:/etc/extra.yml:ro'),
    );
    expect(mountProblems(missing)).toEqual([
      'prometheus mounts ./prometheus/extra.yml, which does not exist',
    ]);
  });
});
