// Checks that the Kubernetes manifests refer to each other correctly: selectors select the pods they
// mean, ports exist, volumes and the claims, config maps and secrets behind them exist. Each check
// returns the problems it found (empty when the manifests hold together), one sentence each.

import {
  containerHasPort,
  dataKeys,
  findObject,
  objectsOfKind,
  refOf,
  selectedWorkloads,
  selectorMatches,
  workloads,
  type KubernetesBundle,
  type LabelSelector,
  type PodTemplate,
} from './kubernetes-bundle.js';

type ServicePort = { readonly name?: string; readonly port: number; readonly targetPort?: number | string };
type PolicyPeer = { readonly podSelector?: LabelSelector; readonly namespaceSelector?: LabelSelector };
type PolicyRule = {
  readonly from?: readonly PolicyPeer[];
  readonly to?: readonly PolicyPeer[];
  readonly ports?: readonly { readonly port: number | string; readonly protocol?: string }[];
};

/** Workload selectors match their own pod template; every selector of another object selects pods. */
export function selectorProblems(bundle: KubernetesBundle): string[] {
  const problems: string[] = [];
  for (const { object, template } of workloads(bundle)) {
    const selector = object.spec?.selector as LabelSelector | undefined;
    if (object.kind !== 'CronJob' && !selectorMatches(selector, template.metadata?.labels)) {
      problems.push(`${refOf(object)}: spec.selector does not match its pod template labels`);
    }
    for (const term of antiAffinityTerms(template)) {
      if (!selectorMatches(term, template.metadata?.labels)) {
        problems.push(`${refOf(object)}: the pod anti-affinity selector does not match its own pods`);
      }
    }
  }
  const selecting: [string, (spec: Record<string, unknown>) => LabelSelector | undefined][] = [
    ['Service', (spec) => ({ matchLabels: spec.selector as Record<string, string> })],
    ['PodDisruptionBudget', (spec) => spec.selector as LabelSelector],
    ['NetworkPolicy', (spec) => spec.podSelector as LabelSelector],
  ];
  for (const [kind, selectorOf] of selecting) {
    for (const object of objectsOfKind(bundle, kind)) {
      if (selectedWorkloads(bundle, selectorOf(object.spec ?? {})).length === 0) {
        problems.push(`${refOf(object)}: its selector matches no pod template`);
      }
    }
  }
  for (const policy of objectsOfKind(bundle, 'NetworkPolicy')) {
    for (const rule of policyRules(policy.spec ?? {})) {
      for (const peer of [...(rule.from ?? []), ...(rule.to ?? [])]) {
        // A peer with a namespaceSelector selects pods of other namespaces (DNS), not ours.
        if (peer.podSelector === undefined || peer.namespaceSelector !== undefined) continue;
        if (selectedWorkloads(bundle, peer.podSelector).length === 0) {
          problems.push(`${refOf(policy)}: a peer podSelector matches no pod template`);
        }
      }
    }
  }
  for (const hpa of objectsOfKind(bundle, 'HorizontalPodAutoscaler')) {
    const target = hpa.spec?.scaleTargetRef as { kind: string; name: string };
    if (findObject(bundle, target.kind, target.name) === undefined) {
      problems.push(`${refOf(hpa)}: scaleTargetRef ${target.kind}/${target.name} does not exist`);
    }
  }
  return problems;
}

/** Service target ports, probe ports, policy ports and the scrape port exist on the selected containers. */
export function portProblems(bundle: KubernetesBundle): string[] {
  const problems: string[] = [];
  for (const service of objectsOfKind(bundle, 'Service')) {
    const pods = selectedWorkloads(bundle, { matchLabels: service.spec?.selector as Record<string, string> });
    for (const port of (service.spec?.ports ?? []) as ServicePort[]) {
      const target = port.targetPort ?? port.port;
      if (!pods.some(({ template }) => containerHasPort(template.spec.containers, target))) {
        problems.push(`${refOf(service)}: targetPort ${target} is no port of the pods it selects`);
      }
    }
  }
  for (const { object, template } of workloads(bundle)) {
    for (const container of template.spec.containers) {
      for (const [kind, probe] of Object.entries({
        liveness: container.livenessProbe,
        readiness: container.readinessProbe,
        startup: container.startupProbe,
      })) {
        const port = probe?.httpGet?.port ?? probe?.tcpSocket?.port;
        if (port !== undefined && !containerHasPort([container], port)) {
          problems.push(
            `${refOf(object)}: the ${kind} probe of ${container.name} uses port ${port}, not one of its ports`,
          );
        }
      }
    }
    const scrapePort = template.metadata?.annotations?.['prometheus.io/port'];
    if (scrapePort !== undefined && !containerHasPort(template.spec.containers, Number(scrapePort))) {
      problems.push(`${refOf(object)}: prometheus.io/port ${scrapePort} is no container port`);
    }
  }
  for (const policy of objectsOfKind(bundle, 'NetworkPolicy')) {
    const own = selectedWorkloads(bundle, policy.spec?.podSelector as LabelSelector);
    for (const rule of (policy.spec?.ingress ?? []) as PolicyRule[]) {
      for (const { port } of rule.ports ?? []) {
        if (!own.some(({ template }) => containerHasPort(template.spec.containers, port))) {
          problems.push(`${refOf(policy)}: ingress port ${port} is no port of the pods it protects`);
        }
      }
    }
    for (const rule of (policy.spec?.egress ?? []) as PolicyRule[]) {
      for (const peer of rule.to ?? []) {
        if (peer.podSelector === undefined || peer.namespaceSelector !== undefined) continue;
        const peers = selectedWorkloads(bundle, peer.podSelector);
        for (const { port } of rule.ports ?? []) {
          if (!peers.some(({ template }) => containerHasPort(template.spec.containers, port))) {
            problems.push(`${refOf(policy)}: egress port ${port} is no port of the peer pods`);
          }
        }
      }
    }
  }
  return problems;
}

/** The server's network policy lets DNS out (UDP 53): without it, nothing resolves Redis. */
export function dnsEgressProblems(bundle: KubernetesBundle): string[] {
  return objectsOfKind(bundle, 'NetworkPolicy')
    .filter((policy) => ((policy.spec?.policyTypes ?? []) as string[]).includes('Egress'))
    .filter(
      (policy) =>
        !((policy.spec?.egress ?? []) as PolicyRule[]).some((rule) =>
          (rule.ports ?? []).some((port) => port.port === 53 && port.protocol === 'UDP'),
        ),
    )
    .map((policy) => `${refOf(policy)}: restricts egress but does not allow DNS (UDP 53)`);
}

/**
 * Every mount names a pod volume; every volume's claim, config map or secret exists with the keys
 * its items name; a claim that pods on several nodes mount offers ReadWriteMany (or ReadOnlyMany
 * when nobody writes).
 */
export function volumeProblems(bundle: KubernetesBundle): string[] {
  const problems: string[] = [];
  const claimUse = new Map<string, { mounts: number; writes: boolean }>();
  for (const { object, template } of workloads(bundle)) {
    const volumes = template.spec.volumes ?? [];
    const replicas = object.kind === 'Deployment' ? Number(object.spec?.replicas ?? 1) : 1;
    for (const container of template.spec.containers) {
      for (const mount of container.volumeMounts ?? []) {
        const volume = volumes.find((entry) => entry.name === mount.name);
        if (volume === undefined) {
          problems.push(
            `${refOf(object)}: ${container.name} mounts "${mount.name}", which is no volume of the pod`,
          );
          continue;
        }
        const claim = volume.persistentVolumeClaim;
        if (claim !== undefined) {
          const use = claimUse.get(claim.claimName) ?? { mounts: 0, writes: false };
          use.mounts += replicas;
          use.writes ||= !(mount.readOnly === true || claim.readOnly === true);
          claimUse.set(claim.claimName, use);
        }
      }
    }
    for (const volume of volumes) {
      const claim = volume.persistentVolumeClaim?.claimName;
      if (claim !== undefined && findObject(bundle, 'PersistentVolumeClaim', claim) === undefined) {
        problems.push(`${refOf(object)}: volume "${volume.name}" claims ${claim}, which does not exist`);
      }
      const source = volume.configMap
        ? { kind: 'ConfigMap', name: volume.configMap.name, items: volume.configMap.items }
        : volume.secret
          ? { kind: 'Secret', name: volume.secret.secretName, items: volume.secret.items }
          : undefined;
      if (source === undefined) continue;
      const target = findObject(bundle, source.kind, source.name);
      if (target === undefined) {
        problems.push(
          `${refOf(object)}: volume "${volume.name}" needs ${source.kind}/${source.name}, which does not exist`,
        );
        continue;
      }
      for (const item of source.items ?? []) {
        if (!dataKeys(target).includes(item.key)) {
          problems.push(
            `${refOf(object)}: volume "${volume.name}" reads key "${item.key}", which ${refOf(target)} lacks`,
          );
        }
      }
    }
  }
  for (const [name, use] of claimUse) {
    const modes = (findObject(bundle, 'PersistentVolumeClaim', name)?.spec?.accessModes ?? []) as string[];
    const shared = use.mounts > 1;
    if (shared && use.writes && !modes.includes('ReadWriteMany')) {
      problems.push(`PersistentVolumeClaim/${name}: written by several pods but not ReadWriteMany`);
    } else if (shared && !modes.includes('ReadWriteMany') && !modes.includes('ReadOnlyMany')) {
      problems.push(
        `PersistentVolumeClaim/${name}: mounted by several pods but neither ReadWriteMany nor ReadOnlyMany`,
      );
    }
  }
  return problems;
}

/** envFrom sources and key references exist; `$(VAR)` in values and subPathExpr names an earlier variable. */
export function envProblems(bundle: KubernetesBundle): string[] {
  const problems: string[] = [];
  const needKey = (where: string, kind: string, name: string, key?: string) => {
    const target = findObject(bundle, kind, name);
    if (target === undefined) problems.push(`${where}: ${kind}/${name} does not exist`);
    else if (key !== undefined && !dataKeys(target).includes(key)) {
      problems.push(`${where}: ${kind}/${name} has no key "${key}"`);
    }
  };
  for (const { object, template } of workloads(bundle)) {
    for (const container of template.spec.containers) {
      const where = `${refOf(object)} container ${container.name}`;
      for (const source of container.envFrom ?? []) {
        if (source.configMapRef) needKey(where, 'ConfigMap', source.configMapRef.name);
        if (source.secretRef) needKey(where, 'Secret', source.secretRef.name);
      }
      const defined = new Set<string>();
      for (const variable of container.env ?? []) {
        const ref = variable.valueFrom;
        if (ref?.configMapKeyRef)
          needKey(where, 'ConfigMap', ref.configMapKeyRef.name, ref.configMapKeyRef.key);
        if (ref?.secretKeyRef) needKey(where, 'Secret', ref.secretKeyRef.name, ref.secretKeyRef.key);
        for (const name of referencedVariables(variable.value ?? '')) {
          if (!defined.has(name))
            problems.push(`${where}: ${variable.name} uses $(${name}) before it is defined`);
        }
        defined.add(variable.name);
      }
      for (const mount of container.volumeMounts ?? []) {
        for (const name of referencedVariables(mount.subPathExpr ?? '')) {
          if (!defined.has(name))
            problems.push(`${where}: subPathExpr uses $(${name}), which is not defined`);
        }
      }
    }
  }
  return problems;
}

/** Objects live in the Namespace the manifests create; kustomization.yaml lists every file but the example. */
export function layoutProblems(bundle: KubernetesBundle): string[] {
  const problems: string[] = [];
  const namespaces = objectsOfKind(bundle, 'Namespace').map((namespace) => namespace.metadata.name);
  if (namespaces.length !== 1) problems.push(`expected one Namespace, found ${namespaces.length}`);
  for (const object of bundle.objects) {
    if (object.kind === 'Namespace' || object.kind === 'Kustomization') continue;
    if (!namespaces.includes(object.metadata.namespace ?? '')) {
      problems.push(
        `${refOf(object)}: namespace "${object.metadata.namespace}" is not the one the manifests create`,
      );
    }
  }
  const kustomization = bundle.objects.find((object) => object.kind === 'Kustomization');
  const listed = ((kustomization as { resources?: string[] } | undefined)?.resources ?? []).slice().sort();
  const expected = bundle.files.filter(
    (file) => file !== 'kustomization.yaml' && !file.includes('.example.'),
  );
  for (const file of expected)
    if (!listed.includes(file)) problems.push(`kustomization.yaml does not list ${file}`);
  for (const file of listed)
    if (!expected.includes(file))
      problems.push(`kustomization.yaml lists ${file}, which is not a manifest here`);
  return problems;
}

function antiAffinityTerms(template: PodTemplate): LabelSelector[] {
  const anti = template.spec.affinity?.podAntiAffinity;
  return [
    ...(anti?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map(
      (term) => term.podAffinityTerm.labelSelector,
    ),
    ...(anti?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((term) => term.labelSelector),
  ];
}

function policyRules(spec: Record<string, unknown>): PolicyRule[] {
  return [...((spec.ingress ?? []) as PolicyRule[]), ...((spec.egress ?? []) as PolicyRule[])];
}

function referencedVariables(text: string): string[] {
  return [...text.matchAll(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g)].map((match) => match[1]);
}
