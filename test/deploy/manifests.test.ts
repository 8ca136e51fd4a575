// The Kubernetes manifests of deploy/kubernetes/ parse and hold together, and agree with the real
// server and CLI. Every check runs twice: on the manifests as committed (no problems) and on a copy
// broken in one place (the problem is reported), so no check can pass by accident.

import { describe, expect, it } from 'vitest';
import { loadDockerfile } from './dockerfile.js';
import { editBundle, loadKubernetesBundle, type KubeObject, type PodTemplate } from './kubernetes-bundle.js';
import {
  dnsEgressProblems,
  envProblems,
  layoutProblems,
  portProblems,
  selectorProblems,
  volumeProblems,
} from './kubernetes-reference-checks.js';
import {
  autoscalingProblems,
  commandProblems,
  serveConfigProblems,
  serverContainers,
  serverProbePaths,
  shutdownProblems,
} from './kubernetes-server-checks.js';
import { probePathProblems } from './server-probe.js';

const bundle = loadKubernetesBundle();
const stages = loadDockerfile();

/** Mutable access to an object of the copy being broken. */
type Writable = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function find(objects: KubeObject[], kind: string, name: string): Writable {
  const object = objects.find((entry) => entry.kind === kind && entry.metadata.name === name);
  if (object === undefined) throw new Error(`test setup: no ${kind}/${name}`);
  return object as Writable;
}

const deployment = (objects: KubeObject[]) => find(objects, 'Deployment', 'stateset-agents');
const serverPod = (objects: KubeObject[]): Writable => deployment(objects).spec.template as PodTemplate;
const server = (objects: KubeObject[]): Writable => serverPod(objects).spec.containers[0];
const broken = (edit: (objects: KubeObject[]) => void) => editBundle(bundle, edit);

describe('deploy/kubernetes: the files', () => {
  it('parse into the objects a deployment needs', () => {
    const kinds = new Set(bundle.objects.map((object) => object.kind));
    for (const kind of [
      'Namespace',
      'ConfigMap',
      'Secret',
      'PersistentVolumeClaim',
      'Deployment',
      'HorizontalPodAutoscaler',
      'Service',
      'PodDisruptionBudget',
      'NetworkPolicy',
      'StatefulSet',
      'CronJob',
    ]) {
      expect(kinds, kind).toContain(kind);
    }
    expect(bundle.objects.filter((object) => object.kind === 'Service').length).toBeGreaterThanOrEqual(2);
    expect(
      bundle.objects.some((object) => object.kind === 'Service' && object.spec?.clusterIP === 'None'),
    ).toBe(true);
  });

  it('share one namespace, and kustomization.yaml lists every manifest but the example secret', () => {
    expect(layoutProblems(bundle)).toEqual([]);
    const moved = broken(
      (objects) => (find(objects, 'Service', 'stateset-agents').metadata.namespace = 'default'),
    );
    expect(layoutProblems(moved)).toContainEqual(
      expect.stringContaining('Service/stateset-agents: namespace'),
    );
    const unlisted = { ...bundle, files: [...bundle.files, 'ingress.yaml'] };
    expect(layoutProblems(unlisted)).toContain('kustomization.yaml does not list ingress.yaml');
  });
});

describe('deploy/kubernetes: references', () => {
  it('selectors of the deployment, services, PDB, network policies, anti-affinity and HPA select real pods', () => {
    expect(selectorProblems(bundle)).toEqual([]);
    const relabelled = broken(
      (objects) => (serverPod(objects).metadata.labels['app.kubernetes.io/component'] = 'api'),
    );
    const problems = selectorProblems(relabelled);
    for (const ref of [
      'Deployment/stateset-agents',
      'Service/stateset-agents-headless',
      'PodDisruptionBudget/stateset-agents',
    ]) {
      expect(problems).toContainEqual(expect.stringContaining(ref));
    }
    expect(problems).toContainEqual(
      expect.stringContaining('NetworkPolicy/stateset-redis: a peer podSelector'),
    );
    const retargeted = broken(
      (objects) =>
        (find(objects, 'HorizontalPodAutoscaler', 'stateset-agents').spec.scaleTargetRef.name = 'gone'),
    );
    expect(selectorProblems(retargeted)).toContainEqual(
      expect.stringContaining('scaleTargetRef Deployment/gone'),
    );
  });

  it('service target ports, probe ports, policy ports and the scrape port are container ports', () => {
    expect(portProblems(bundle)).toEqual([]);
    const renamed = broken((objects) => (server(objects).ports[0].name = 'web'));
    const problems = portProblems(renamed);
    expect(problems).toContainEqual(expect.stringContaining('Service/stateset-agents: targetPort http'));
    expect(problems).toContainEqual(expect.stringContaining('liveness probe of server uses port http'));
    expect(problems).toContainEqual(
      expect.stringContaining('NetworkPolicy/stateset-agents: ingress port http'),
    );
    const moved = broken((objects) => (server(objects).ports[0].containerPort = 9000));
    expect(portProblems(moved)).toContainEqual(expect.stringContaining('targetPort 8000'));
    expect(portProblems(moved)).toContainEqual(expect.stringContaining('prometheus.io/port 8000'));
    const redisPort = broken(
      (objects) =>
        (find(
          objects,
          'StatefulSet',
          'stateset-redis',
        ).spec.template.spec.containers[0].ports[0].containerPort = 6380),
    );
    expect(portProblems(redisPort)).toContainEqual(expect.stringContaining('egress port 6379'));
  });

  it('the server may resolve names: its egress policy allows DNS', () => {
    expect(dnsEgressProblems(bundle)).toEqual([]);
    const noDns = broken((objects) => find(objects, 'NetworkPolicy', 'stateset-agents').spec.egress.pop());
    expect(dnsEgressProblems(noDns)).toEqual([expect.stringContaining('does not allow DNS')]);
  });

  it('every mount has a volume, every claim, config map and key exists, shared claims are ReadWriteMany', () => {
    expect(volumeProblems(bundle)).toEqual([]);
    const noVolume = broken((objects) => serverPod(objects).spec.volumes.splice(0, 1));
    expect(volumeProblems(noVolume)).toContainEqual(
      expect.stringContaining('mounts "config", which is no volume'),
    );
    const noClaim = broken((objects) =>
      objects.splice(
        objects.findIndex((entry) => entry.metadata?.name === 'stateset-models'),
        1,
      ),
    );
    expect(volumeProblems(noClaim)).toContainEqual(
      expect.stringContaining('claims stateset-models, which does not exist'),
    );
    const noKey = broken(
      (objects) => (serverPod(objects).spec.volumes[0].configMap.items[0].key = 'server.json'),
    );
    expect(volumeProblems(noKey)).toContainEqual(expect.stringContaining('reads key "server.json"'));
    const singleNode = broken(
      (objects) =>
        (find(objects, 'PersistentVolumeClaim', 'stateset-checkpoints').spec.accessModes = ['ReadWriteOnce']),
    );
    expect(volumeProblems(singleNode)).toContainEqual(
      expect.stringContaining('stateset-checkpoints: written by several pods'),
    );
  });

  it('env sources exist and $(VAR) references come after their variable', () => {
    expect(envProblems(bundle)).toEqual([]);
    const noSecret = broken((objects) =>
      objects.splice(
        objects.findIndex((entry) => entry.kind === 'Secret'),
        1,
      ),
    );
    expect(envProblems(noSecret)).toContainEqual(
      expect.stringContaining('Secret/stateset-agents-secrets does not exist'),
    );
    const reordered = broken((objects) => server(objects).env.reverse());
    expect(envProblems(reordered)).toContainEqual(
      expect.stringContaining('uses $(POD_NAME) before it is defined'),
    );
    const keyRef = broken((objects) =>
      server(objects).env.push({
        name: 'X',
        valueFrom: { secretKeyRef: { name: 'stateset-agents-secrets', key: 'NOPE' } },
      }),
    );
    expect(envProblems(keyRef)).toContainEqual(expect.stringContaining('has no key "NOPE"'));
  });
});

describe('deploy/kubernetes: against the server and the CLI', () => {
  it('the server runs `serve` with a config map file that ServeConfigSchema accepts', () => {
    const [found] = serverContainers(bundle, stages);
    expect(found.container.name).toBe('server');
    expect(found.configFile).toBeDefined();
    expect(found.config).toMatchObject({ store: 'redis', host: '0.0.0.0', port: 8000 });
    expect(found.config.runsDir).toBe('/var/lib/stateset/data/runs');
    expect(found.config.trajectoriesDir).toBe(
      '/var/lib/stateset/data/trajectories/stateset-agents-7d9f8-abcde',
    );
  });

  it('every container runs a real CLI command whose flags, file and environment resolve', () => {
    expect(commandProblems(bundle, stages)).toEqual([]);
    const unknownCommand = broken(
      (objects) =>
        (find(
          objects,
          'CronJob',
          'stateset-agents-train',
        ).spec.jobTemplate.spec.template.spec.containers[0].command[2] = 'fit'),
    );
    expect(commandProblems(unknownCommand, stages)).toContainEqual(
      expect.stringContaining('"fit" is not a stateset-agents command'),
    );
    const unknownFlag = broken((objects) =>
      find(
        objects,
        'CronJob',
        'stateset-agents-train',
      ).spec.jobTemplate.spec.template.spec.containers[0].args.push('--epochs', '3'),
    );
    expect(commandProblems(unknownFlag, stages)).toContainEqual(
      expect.stringContaining('unknown flag --epochs'),
    );
    const badFile = broken(
      (objects) =>
        (find(objects, 'ConfigMap', 'stateset-agents-config').data['serve.json'] = '{ "prot": 80 }'),
    );
    expect(commandProblems(badFile, stages)).toContainEqual(expect.stringContaining('unknown key "prot"'));
    const badEnv = broken((objects) =>
      server(objects).env.push({ name: 'STATESET_STORE', value: 'postgres' }),
    );
    expect(commandProblems(badEnv, stages)).toContainEqual(expect.stringContaining('STATESET_STORE'));
  });

  it('the serve config fits the deployment: port, no dead keys, keys parse, Redis for replicas at a real Service', () => {
    expect(serveConfigProblems(bundle, stages)).toEqual([]);
    const edit = (change: (config: Record<string, unknown>) => void) =>
      broken((objects) => {
        const map = find(objects, 'ConfigMap', 'stateset-agents-config');
        const config = JSON.parse(map.data['serve.json']) as Record<string, unknown>;
        change(config);
        map.data['serve.json'] = JSON.stringify(config);
      });
    expect(
      serveConfigProblems(
        edit((config) => (config.port = 8080)),
        stages,
      ),
    ).toContainEqual(expect.stringContaining('listens on 8080, which is no container port'));
    expect(
      serveConfigProblems(
        edit((config) => (config.runsDir = '/models')),
        stages,
      ),
    ).toContainEqual(expect.stringContaining('key "runsDir" is dead, STATESET_RUNS_DIR overrides it'));
    expect(
      serveConfigProblems(
        edit((config) => (config.store = 'memory')),
        stages,
      ),
    ).toContainEqual(expect.stringContaining('would not share conversations'));
    expect(
      serveConfigProblems(
        edit((config) => (config.trainingJobs = true)),
        stages,
      ),
    ).toContainEqual(expect.stringContaining('training jobs live in one replica'));
    const badKeys = broken(
      (objects) =>
        (find(objects, 'Secret', 'stateset-agents-secrets').stringData.STATESET_API_KEYS =
          'app:k:chat,app:k2:chat'),
    );
    expect(serveConfigProblems(badKeys, stages)).toContainEqual(expect.stringContaining('configured twice'));
    const wrongHost = broken(
      (objects) =>
        (find(objects, 'Secret', 'stateset-agents-secrets').stringData.STATESET_REDIS_URL =
          'redis://redis:6379'),
    );
    expect(serveConfigProblems(wrongHost, stages)).toContainEqual(
      expect.stringContaining('redisUrl host redis is no Service'),
    );
  });

  it('the grace period covers preStop, the shutdown deadline and a margin', () => {
    expect(shutdownProblems(bundle, stages)).toEqual([]);
    const short = broken((objects) => (serverPod(objects).spec.terminationGracePeriodSeconds = 20));
    expect(shutdownProblems(short, stages)).toEqual([
      expect.stringContaining('terminationGracePeriodSeconds 20 <'),
    ]);
  });

  it('the autoscaler scales on CPU that the pods request', () => {
    expect(autoscalingProblems(bundle)).toEqual([]);
    const noRequest = broken((objects) => delete server(objects).resources.requests.cpu);
    expect(autoscalingProblems(noRequest)).toEqual([expect.stringContaining('requests no CPU')]);
  });

  it('liveness, readiness, startup probes and the scrape path answer 200 on a real server with this config', async () => {
    const [found] = serverContainers(bundle, stages);
    const paths = serverProbePaths(bundle, stages);
    expect(paths.sort()).toEqual(['/healthz', '/metrics', '/readyz']);
    expect(await probePathProblems(found.config, paths, 'server')).toEqual([]);
    const typo = broken((objects) => (server(objects).readinessProbe.httpGet.path = '/ready'));
    const typoPaths = serverProbePaths(typo, stages);
    expect(await probePathProblems(found.config, typoPaths, 'server')).toEqual([
      'server: GET /ready answers 404 on a healthy server, not 200',
    ]);
  });
});
