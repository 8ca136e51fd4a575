// The Kubernetes manifests of deploy/kubernetes/ as typed objects, with the look-ups the reference
// checks share: objects by kind and name, pod templates of workloads, label selector matching.
// Only the fields the checks read are typed; everything else passes through untouched.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

/** Labels or annotations. */
export type Labels = Readonly<Record<string, string>>;

/** A label selector: matchLabels and matchExpressions (In, NotIn, Exists, DoesNotExist). */
export type LabelSelector = {
  readonly matchLabels?: Labels;
  readonly matchExpressions?: readonly {
    readonly key: string;
    readonly operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
    readonly values?: readonly string[];
  }[];
};

/** A port reference: a number, or the name of a container port. */
export type PortRef = number | string;

/** A liveness, readiness or startup probe. */
export type Probe = {
  readonly httpGet?: { readonly path: string; readonly port: PortRef };
  readonly tcpSocket?: { readonly port: PortRef };
  readonly exec?: { readonly command: readonly string[] };
  readonly timeoutSeconds?: number;
};

/** One environment variable of a container. */
export type EnvVar = {
  readonly name: string;
  readonly value?: string;
  readonly valueFrom?: {
    readonly fieldRef?: { readonly fieldPath: string };
    readonly configMapKeyRef?: { readonly name: string; readonly key: string };
    readonly secretKeyRef?: { readonly name: string; readonly key: string };
  };
};

/** A container, as far as the checks read it. */
export type Container = {
  readonly name: string;
  readonly image: string;
  readonly command?: readonly string[];
  readonly args?: readonly string[];
  readonly ports?: readonly { readonly name?: string; readonly containerPort: number }[];
  readonly env?: readonly EnvVar[];
  readonly envFrom?: readonly {
    readonly configMapRef?: { readonly name: string };
    readonly secretRef?: { readonly name: string };
  }[];
  readonly resources?: { readonly requests?: Labels; readonly limits?: Labels };
  readonly livenessProbe?: Probe;
  readonly readinessProbe?: Probe;
  readonly startupProbe?: Probe;
  readonly lifecycle?: { readonly preStop?: { readonly exec?: { readonly command: readonly string[] } } };
  readonly volumeMounts?: readonly {
    readonly name: string;
    readonly mountPath: string;
    readonly readOnly?: boolean;
    readonly subPathExpr?: string;
  }[];
};

/** A pod volume, as far as the checks read it. */
export type Volume = {
  readonly name: string;
  readonly persistentVolumeClaim?: { readonly claimName: string; readonly readOnly?: boolean };
  readonly configMap?: { readonly name: string; readonly items?: readonly { key: string; path: string }[] };
  readonly secret?: {
    readonly secretName: string;
    readonly items?: readonly { key: string; path: string }[];
  };
  readonly emptyDir?: object;
};

/** A pod template. */
export type PodTemplate = {
  readonly metadata?: { readonly labels?: Labels; readonly annotations?: Labels };
  readonly spec: {
    readonly containers: readonly Container[];
    readonly volumes?: readonly Volume[];
    readonly terminationGracePeriodSeconds?: number;
    readonly affinity?: {
      readonly podAntiAffinity?: {
        readonly preferredDuringSchedulingIgnoredDuringExecution?: readonly {
          readonly podAffinityTerm: { readonly labelSelector: LabelSelector };
        }[];
        readonly requiredDuringSchedulingIgnoredDuringExecution?: readonly {
          readonly labelSelector: LabelSelector;
        }[];
      };
    };
  };
};

/** Any object of the manifests. `spec` is read through the kind-specific helpers below. */
export type KubeObject = {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly labels?: Labels };
  readonly spec?: Record<string, unknown>;
  readonly data?: Readonly<Record<string, string>>;
  readonly stringData?: Readonly<Record<string, string>>;
  /** The file it came from, relative to the manifests folder (not a Kubernetes field). */
  readonly file: string;
};

/** Every object of the manifests folder, and the folder's file names. */
export type KubernetesBundle = {
  readonly objects: readonly KubeObject[];
  readonly files: readonly string[];
};

/** The folder of the Kubernetes manifests. */
export const KUBERNETES_DIR = join(process.cwd(), 'deploy', 'kubernetes');

/** Parses every YAML document of every .yaml file in `dir`; throws on a YAML error, naming the file. */
export function loadKubernetesBundle(dir: string = KUBERNETES_DIR): KubernetesBundle {
  const files = readdirSync(dir)
    .filter((file) => file.endsWith('.yaml') || file.endsWith('.yml'))
    .sort();
  const objects: KubeObject[] = [];
  for (const file of files) {
    for (const document of parseAllDocuments(readFileSync(join(dir, file), 'utf8'))) {
      if (document.errors.length > 0) throw new Error(`${file}: ${document.errors[0].message}`);
      const value = document.toJS() as Omit<KubeObject, 'file'> | null;
      if (value !== null) objects.push({ ...value, file });
    }
  }
  return { objects, files };
}

/** A deep copy of `bundle` with `edit` applied to its objects (for checks that must fail). */
export function editBundle(
  bundle: KubernetesBundle,
  edit: (objects: KubeObject[]) => void,
): KubernetesBundle {
  const objects = structuredClone(bundle.objects) as KubeObject[];
  edit(objects);
  return { objects, files: [...bundle.files] };
}

/** The objects of a kind. */
export function objectsOfKind(bundle: KubernetesBundle, kind: string): KubeObject[] {
  return bundle.objects.filter((object) => object.kind === kind && object.file !== 'kustomization.yaml');
}

/** The object of this kind and name, or undefined. */
export function findObject(bundle: KubernetesBundle, kind: string, name: string): KubeObject | undefined {
  return objectsOfKind(bundle, kind).find((object) => object.metadata.name === name);
}

/** `Kind/name`, as problems name objects. */
export function refOf(object: KubeObject): string {
  return `${object.kind}/${object.metadata.name}`;
}

/** A workload and its pod template (Deployment, StatefulSet, CronJob's job template). */
export type Workload = { readonly object: KubeObject; readonly template: PodTemplate };

/** Every workload with its pod template. */
export function workloads(bundle: KubernetesBundle): Workload[] {
  return bundle.objects.flatMap((object): Workload[] => {
    if (object.kind === 'Deployment') return [{ object, template: object.spec?.template as PodTemplate }];
    if (object.kind === 'StatefulSet') {
      // Claims from volumeClaimTemplates are volumes of each pod, named as the template.
      const template = object.spec?.template as PodTemplate;
      const claims = (object.spec?.volumeClaimTemplates ?? []) as { metadata: { name: string } }[];
      const fromClaims = claims.map((claim) => ({ name: claim.metadata.name }));
      const volumes = [...(template.spec.volumes ?? []), ...fromClaims];
      return [{ object, template: { ...template, spec: { ...template.spec, volumes } } }];
    }
    if (object.kind === 'CronJob') {
      const job = object.spec?.jobTemplate as { spec: { template: PodTemplate } };
      return [{ object, template: job.spec.template }];
    }
    return [];
  });
}

/** True when `labels` satisfy `selector`; an empty selector matches everything, as in Kubernetes. */
export function selectorMatches(selector: LabelSelector | undefined, labels: Labels | undefined): boolean {
  const have = labels ?? {};
  const equal = Object.entries(selector?.matchLabels ?? {}).every(([key, value]) => have[key] === value);
  const expressions = (selector?.matchExpressions ?? []).every((expression) => {
    const value = have[expression.key];
    switch (expression.operator) {
      case 'In':
        return value !== undefined && (expression.values ?? []).includes(value);
      case 'NotIn':
        return value === undefined || !(expression.values ?? []).includes(value);
      case 'Exists':
        return value !== undefined;
      case 'DoesNotExist':
        return value === undefined;
    }
  });
  return equal && expressions;
}

/** Workloads whose pods a selector selects. */
export function selectedWorkloads(bundle: KubernetesBundle, selector: LabelSelector | undefined): Workload[] {
  return workloads(bundle).filter((workload) =>
    selectorMatches(selector, workload.template.metadata?.labels),
  );
}

/** True when `port` (a number or a name) is a port of one of the containers. */
export function containerHasPort(containers: readonly Container[], port: PortRef): boolean {
  return containers.some((container) =>
    (container.ports ?? []).some((entry) =>
      typeof port === 'number' ? entry.containerPort === port : entry.name === port,
    ),
  );
}

/** The data keys of a ConfigMap or Secret (data and stringData together). */
export function dataKeys(object: KubeObject): string[] {
  return [...Object.keys(object.data ?? {}), ...Object.keys(object.stringData ?? {})];
}

/** The text of a ConfigMap or Secret key (stringData as written, data base64-decoded for Secrets). */
export function dataValue(object: KubeObject, key: string): string | undefined {
  const plain = object.stringData?.[key];
  if (plain !== undefined) return plain;
  const value = object.data?.[key];
  if (value === undefined) return undefined;
  return object.kind === 'Secret' ? Buffer.from(value, 'base64').toString('utf8') : value;
}
