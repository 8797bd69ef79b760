import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigMap, Service } from 'kubernetes-models/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadConfig, misspelledVariableWarnings } from '../../src/config.js';

/**
 * deploy/kubernetes against the Kubernetes OpenAPI schemas (kubernetes-models'
 * validators), and against what the gateway and its Dockerfile need: the probes,
 * the shutdown timings inside the grace period, the hardening, the image.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DIR = join(ROOT, 'deploy/kubernetes');

/** The kinds deploy/kubernetes may hold, each with the model that validates it. */
const MODELS: Record<string, new (data: any) => { validate(): void }> = {
  'v1/ConfigMap': ConfigMap,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'networking.k8s.io/v1/Ingress': Ingress,
};

interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [key: string]: any;
}

function readDocuments(text: string, source: string): Manifest[] {
  return parseAllDocuments(text).map((document) => {
    expect(document.errors, `${source}: YAML errors`).toEqual([]);
    return document.toJS() as Manifest;
  });
}

const kubectl = spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status === 0;
const kustomization = readDocuments(readFileSync(join(DIR, 'kustomization.yaml'), 'utf8'), 'kustomization.yaml')[0] as any;
const files: string[] = kustomization.resources;
const manifests = files.flatMap((file) => readDocuments(readFileSync(join(DIR, file), 'utf8'), file));
const byKind = (kind: string) => {
  const found = manifests.filter((manifest) => manifest.kind === kind);
  expect(found, kind).toHaveLength(1);
  return found[0]!;
};
const configMap = manifests.find((manifest) => manifest.kind === 'ConfigMap')!;

/** The opt-in parts: each a kustomize Component in a directory of its own, for one controller or operator. */
const COMPONENTS = ['ingress-nginx', 'prometheus-operator'] as const;
const components = Object.fromEntries(
  COMPONENTS.map((name) => {
    const dir = join(DIR, name);
    const kustomize = readDocuments(readFileSync(join(dir, 'kustomization.yaml'), 'utf8'), `${name}/kustomization.yaml`)[0] as any;
    const resources: string[] = kustomize.resources;
    return [name, { dir, kustomize, resources, manifests: resources.flatMap((file) => readDocuments(readFileSync(join(dir, file), 'utf8'), `${name}/${file}`)) }];
  }),
) as Record<(typeof COMPONENTS)[number], { dir: string; kustomize: any; resources: string[]; manifests: Manifest[] }>;
const ingress = components['ingress-nginx'].manifests[0]!;
const serviceMonitor = components['prometheus-operator'].manifests[0]!;

/**
 * A ServiceMonitor (monitoring.coreos.com/v1) is a CRD, which kubernetes-models does
 * not cover: the fields this one uses, checked against the operator's API by hand.
 * Returns the problems found; none for a valid one.
 */
function serviceMonitorProblems(manifest: Manifest): string[] {
  const problems: string[] = [];
  const unknownKeys = (where: string, value: Record<string, unknown>, known: string[]) => {
    for (const key of Object.keys(value)) if (!known.includes(key)) problems.push(`${where}.${key} is not a field this check knows`);
  };
  const duration = /^(0|(\d+(ms|s|m|h))+)$/;
  if (manifest.apiVersion !== 'monitoring.coreos.com/v1' || manifest.kind !== 'ServiceMonitor') problems.push('not a monitoring.coreos.com/v1 ServiceMonitor');
  if (typeof manifest.metadata?.name !== 'string' || manifest.metadata.name === '') problems.push('metadata.name is missing');
  const spec = manifest.spec;
  if (typeof spec !== 'object' || spec === null) return [...problems, 'spec is missing'];
  unknownKeys('spec', spec, ['selector', 'endpoints', 'namespaceSelector', 'jobLabel']);
  const matchLabels = spec.selector?.matchLabels;
  if (typeof matchLabels !== 'object' || matchLabels === null || Object.keys(matchLabels).length === 0) problems.push('spec.selector.matchLabels is missing');
  if (!Array.isArray(spec.endpoints) || spec.endpoints.length === 0) return [...problems, 'spec.endpoints is missing'];
  spec.endpoints.forEach((endpoint: Record<string, unknown>, i: number) => {
    unknownKeys(`spec.endpoints[${i}]`, endpoint, ['port', 'path', 'interval', 'scrapeTimeout', 'scheme']);
    if (typeof endpoint.port !== 'string' || endpoint.port === '') problems.push(`spec.endpoints[${i}].port must name a Service port`);
    if (typeof endpoint.path !== 'string' || !endpoint.path.startsWith('/')) problems.push(`spec.endpoints[${i}].path must be a path`);
    for (const key of ['interval', 'scrapeTimeout']) {
      if (endpoint[key] !== undefined && !(typeof endpoint[key] === 'string' && duration.test(endpoint[key]))) problems.push(`spec.endpoints[${i}].${key} must be a duration such as 30s`);
    }
  });
  return problems;
}

/** A duration such as 30s or 1m30s, in seconds. */
function seconds(duration: string): number {
  const units: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600 };
  return [...duration.matchAll(/(\d+)(ms|s|m|h)/g)].reduce((sum, [, n, unit]) => sum + Number(n) * units[unit!]!, 0);
}

/** Validates against the model's OpenAPI schema; returns the error text, or undefined when valid. */
function schemaErrors(manifest: Manifest): string | undefined {
  const Model = MODELS[`${manifest.apiVersion}/${manifest.kind}`];
  if (!Model) return `no schema for ${manifest.apiVersion} ${manifest.kind}`;
  try {
    new Model(manifest).validate();
    return undefined;
  } catch (error) {
    return String(error);
  }
}

describe('deploy/kubernetes', () => {
  it('kustomization.yaml lists every manifest of the directory, and they exist', () => {
    expect(kustomization).toMatchObject({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization' });
    const yamlFiles = readdirSync(DIR).filter((file) => file.endsWith('.yaml') && file !== 'kustomization.yaml');
    expect([...files].sort()).toEqual(yamlFiles.sort());
    expect(manifests.map((manifest) => manifest.kind).sort()).toEqual(
      ['ConfigMap', 'Deployment', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'Service'],
    );
  });

  it('every manifest is valid against the Kubernetes OpenAPI schema', () => {
    for (const manifest of manifests) expect(schemaErrors(manifest), `${manifest.kind} ${manifest.metadata.name}`).toBeUndefined();
    expect(schemaErrors(ingress), 'Ingress').toBeUndefined();
  });

  it('the opt-in parts are kustomize Components that list every manifest of their directory', () => {
    for (const [name, component] of Object.entries(components)) {
      expect(component.kustomize, name).toMatchObject({ apiVersion: 'kustomize.config.k8s.io/v1alpha1', kind: 'Component' });
      const yamlFiles = readdirSync(component.dir).filter((file) => file.endsWith('.yaml') && file !== 'kustomization.yaml');
      expect([...component.resources].sort(), name).toEqual(yamlFiles.sort());
    }
    expect(components['ingress-nginx'].manifests.map((m) => m.kind)).toEqual(['Ingress']);
    expect(components['prometheus-operator'].manifests.map((m) => m.kind)).toEqual(['ServiceMonitor']);
  });

  it('the ServiceMonitor has the shape the Prometheus Operator takes, and the check catches a broken one', () => {
    expect(serviceMonitorProblems(serviceMonitor)).toEqual([]);
    const broken = structuredClone(serviceMonitor);
    broken.spec.endpoints[0].interval = 30;
    broken.spec.endpoints[0].targetport = 'http';
    delete broken.spec.selector;
    expect(serviceMonitorProblems(broken)).toEqual([
      'spec.selector.matchLabels is missing',
      'spec.endpoints[0].targetport is not a field this check knows',
      'spec.endpoints[0].interval must be a duration such as 30s',
    ]);
  });

  it('the ServiceMonitor scrapes /metrics on a port of the Service, of the Service\'s pods, within its interval', () => {
    const service = byKind('Service');
    expect(serviceMonitor.metadata.name).toBe(service.metadata.name);
    expect(serviceMonitor.spec.selector.matchLabels).toEqual(service.metadata.labels);
    const [endpoint] = serviceMonitor.spec.endpoints;
    // The port named `metrics`, the listener METRICS_PORT opens: the public port answers /metrics with 404.
    const configMap = byKind('ConfigMap');
    expect(endpoint.port).toBe('metrics');
    expect(service.spec.ports.find((port: any) => port.name === 'metrics').port).toBe(Number(configMap.data.METRICS_PORT));
    expect(service.spec.ports.map((port: any) => port.name)).toContain(endpoint.port);
    expect(endpoint.path).toBe('/metrics');
    expect(seconds(endpoint.scrapeTimeout)).toBeLessThanOrEqual(seconds(endpoint.interval));
  });

  it('the Ingress routes /graphql alone to the Service, unbuffered, with timeouts streams outlive', () => {
    const service = byKind('Service');
    expect(ingress.spec.ingressClassName).toBe('nginx');
    const paths = ingress.spec.rules.flatMap((rule: any) => rule.http.paths);
    // /metrics, /healthz and /readyz are not for the public: only the GraphQL endpoint is routed.
    expect(paths.map((path: any) => [path.path, path.pathType])).toEqual([['/graphql', 'Exact']]);
    for (const path of paths) {
      expect(path.backend.service.name).toBe(service.metadata.name);
      expect(service.spec.ports.map((port: any) => port.name)).toContain(path.backend.service.port.name);
    }
    const annotations = ingress.metadata.annotations!;
    expect(annotations['nginx.ingress.kubernetes.io/proxy-buffering']).toBe('off');
    // An idle stream carries a keep-alive every 12 s (SSE, WebSocket) or 5 s (multipart): the timeouts must be well above.
    for (const timeout of ['proxy-read-timeout', 'proxy-send-timeout']) {
      expect(Number(annotations[`nginx.ingress.kubernetes.io/${timeout}`]), timeout).toBeGreaterThanOrEqual(60);
    }
  });

  it('the schema validator catches a broken manifest', () => {
    const deployment = structuredClone(byKind('Deployment'));
    deployment.spec.template.spec.containers[0].ports[0].containerPort = 'http';
    expect(schemaErrors(deployment)).toMatch(/containerPort must be integer/);
    const hpa = structuredClone(byKind('HorizontalPodAutoscaler'));
    delete hpa.spec.maxReplicas;
    expect(schemaErrors(hpa)).toMatch(/maxReplicas/);
  });

  const deployment = byKind('Deployment');
  const pod = deployment.spec.template.spec;
  const container = pod.containers[0];
  const env = Object.fromEntries(container.env.filter((entry: any) => 'value' in entry).map((entry: any) => [entry.name, entry.value]));

  it('the environment passes the gateway\'s own configuration check, with the cursor secret from a Secret', () => {
    expect(container.envFrom).toEqual([{ configMapRef: { name: configMap.metadata.name } }]);
    const cursorSecret = container.env.find((entry: any) => entry.name === 'CURSOR_SECRET');
    expect(cursorSecret.valueFrom.secretKeyRef).toMatchObject({ name: expect.any(String), key: expect.any(String) });
    expect(configMap.data.CURSOR_SECRET).toBeUndefined();
    const config = loadConfig({ ...configMap.data, ...env, CURSOR_SECRET: 'a-secret-of-at-least-16-characters' });
    expect(config.upstreamUrl).toMatch(/^https:/);
    expect(config.introspection).toBe(false);
    expect(config.graphiql).toBe(false);
    expect(configMap.data.NODE_ENV).toBe('production');
    // Every variable the manifests set is one the gateway reads: none looks misspelled.
    expect(misspelledVariableWarnings({ ...configMap.data, ...env })).toEqual([]);
  });

  it('the grace period outlasts the shutdown delay plus the shutdown timeout, and the delay is set', () => {
    const config = loadConfig({ ...configMap.data, ...env, CURSOR_SECRET: 'a-secret-of-at-least-16-characters' });
    expect(config.shutdownDelayMs).toBeGreaterThan(0);
    expect(pod.terminationGracePeriodSeconds * 1000).toBeGreaterThan(config.shutdownDelayMs + config.shutdownTimeoutMs);
    // An operation makes up to two upstream calls one after the other.
    expect(config.shutdownTimeoutMs).toBeGreaterThanOrEqual(2 * config.upstreamTimeoutMs);
  });

  it('probes: readiness on /readyz, liveness on /healthz, on the port the gateway listens on', () => {
    const port = container.ports.find((p: any) => p.name === 'http');
    expect(port.containerPort).toBe(Number(configMap.data.PORT));
    expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
    expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
  });

  it('serves /metrics on its own container port, which the scrape annotations and the Service name', () => {
    const config = loadConfig({ ...configMap.data, ...env, CURSOR_SECRET: 'a-secret-of-at-least-16-characters' });
    expect(config.metricsPort).toBeGreaterThan(0);
    const metricsPort = container.ports.find((p: any) => p.name === 'metrics');
    expect(metricsPort).toMatchObject({ containerPort: config.metricsPort, protocol: 'TCP' });
    expect(metricsPort.containerPort).not.toBe(config.port);
    expect(deployment.spec.template.metadata.annotations).toEqual({
      'prometheus.io/scrape': 'true',
      'prometheus.io/port': String(config.metricsPort),
      'prometheus.io/path': '/metrics',
    });
    expect(byKind('Service').spec.ports).toContainEqual(expect.objectContaining({ name: 'metrics', targetPort: 'metrics' }));
    // The probes stay on the public port: the metrics listener serves /metrics alone.
    expect(container.readinessProbe.httpGet.port).toBe('http');
    // No service links: a Service named `metrics` would set METRICS_PORT=tcp://… otherwise.
    expect(pod.enableServiceLinks).toBe(false);
  });

  it('runs non-root, read-only, without privilege escalation or capabilities, with requests and limits', () => {
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
    expect(container.securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
    const { requests, limits } = container.resources;
    for (const resource of ['cpu', 'memory']) {
      expect(requests[resource], `requests.${resource}`).toBeDefined();
      expect(limits[resource], `limits.${resource}`).toBeDefined();
    }
    expect(mebibytes(requests.memory)).toBeLessThanOrEqual(mebibytes(limits.memory));
    expect(millicores(requests.cpu)).toBeLessThanOrEqual(millicores(limits.cpu));
    // The heap's cap fits inside the memory limit: the old generation and the young one, three semi-spaces.
    const oldSpace = Number(/--max-old-space-size=(\d+)/.exec(configMap.data.NODE_OPTIONS)?.[1]);
    const semiSpace = Number(/--max-semi-space-size=(\d+)/.exec(configMap.data.NODE_OPTIONS)?.[1]);
    expect(oldSpace + 3 * semiSpace).toBeLessThan(mebibytes(limits.memory));
  });

  it('the Service, the PodDisruptionBudget and the autoscaler select the Deployment\'s pods', () => {
    const labels = deployment.spec.template.metadata.labels;
    expect(deployment.spec.selector.matchLabels).toEqual(labels);
    expect(byKind('Service').spec.selector).toEqual(labels);
    expect(byKind('Service').spec.ports[0].targetPort).toBe('http');
    expect(byKind('PodDisruptionBudget').spec.selector.matchLabels).toEqual(labels);
    const hpa = byKind('HorizontalPodAutoscaler');
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: deployment.metadata.name });
    expect(hpa.spec.metrics).toEqual([expect.objectContaining({ type: 'Resource', resource: expect.objectContaining({ name: 'cpu' }) })]);
    expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(2);
    expect(deployment.spec.strategy.rollingUpdate.maxUnavailable).toBe(0);
  });

  it('runs the image the Dockerfile builds, as the Dockerfile runs it', () => {
    const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
    const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    const title = /org\.opencontainers\.image\.title="([^"]+)"/.exec(runtime)?.[1];
    expect(title).toBeDefined();
    expect(container.image).toBe(title);
    expect(kustomization.images).toEqual([expect.objectContaining({ name: title })]);
    // Exec form with node itself, so SIGTERM reaches node (not npm or sh -c).
    expect(runtime).toMatch(/^CMD \["node", "dist\/src\/main\.js"\]$/m);
    expect(container.command).toBeUndefined();
    expect(container.args).toBeUndefined();
    expect(runtime).toMatch(/^HEALTHCHECK /m);
    expect(runtime).toMatch(new RegExp(`^EXPOSE ${container.ports[0].containerPort}$`, 'm'));
    const user = /^USER (\d+)(?::(\d+))?$/m.exec(runtime);
    expect(Number(user?.[1])).toBe(pod.securityContext.runAsUser);
    expect(Number(user?.[2])).toBe(pod.securityContext.runAsGroup);
  });

  it('every page and file that names the image names the tag the manifests run, the package\'s version', () => {
    const tag = kustomization.images[0].newTag;
    expect(tag).toBe(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
    const files = ['README.md', 'Dockerfile', 'deploy/kubernetes/kustomization.yaml', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
    const named = files.flatMap((file) => {
      const text = readFileSync(join(ROOT, file), 'utf8');
      // A tag, or none (`docker build -t cloudcockpit-audit-gateway .` would be `latest`).
      return [...text.matchAll(/cloudcockpit-audit-gateway(?::([\w.-]+))?(?=[\s`'"]|$)/gm)]
        .filter((match) => match[1] !== undefined || /^\s*docker /.test(text.slice(text.lastIndexOf('\n', match.index) + 1, match.index)))
        .map((match) => `${file}: ${match[1] ?? 'latest'}`);
    });
    expect(named.length).toBeGreaterThanOrEqual(4);
    expect(named.filter((entry) => !entry.endsWith(`: ${tag}`))).toEqual([]);
  });

  it.skipIf(!kubectl)('`kubectl kustomize` builds the directory into the same, valid manifests with the image tag set', () => {
    const built = readDocuments(execFileSync('kubectl', ['kustomize', DIR], { encoding: 'utf8' }), 'kubectl kustomize');
    expect(built.map((manifest) => manifest.kind).sort()).toEqual(manifests.map((manifest) => manifest.kind).sort());
    for (const manifest of built) expect(schemaErrors(manifest), `${manifest.kind} ${manifest.metadata.name}`).toBeUndefined();
    const image = built.find((manifest) => manifest.kind === 'Deployment')!.spec.template.spec.containers[0].image;
    expect(image).toBe(`${container.image}:${kustomization.images[0].newTag}`);
  });

  it.skipIf(!kubectl)('`kubectl kustomize` builds an overlay with both opt-in parts into valid manifests in the overlay\'s namespace', () => {
    const overlay = mkdtempSync(join(tmpdir(), 'overlay-'));
    try {
      const from = (dir: string) => relative(overlay, dir);
      writeFileSync(
        join(overlay, 'kustomization.yaml'),
        [
          'apiVersion: kustomize.config.k8s.io/v1beta1',
          'kind: Kustomization',
          'namespace: audit',
          `resources: [${from(DIR)}]`,
          `components: [${COMPONENTS.map((name) => from(join(DIR, name))).join(', ')}]`,
        ].join('\n'),
      );
      const built = readDocuments(
        execFileSync('kubectl', ['kustomize', overlay], { encoding: 'utf8' }),
        'kubectl kustomize overlay',
      );
      expect(built.map((manifest) => manifest.kind).sort()).toEqual([...manifests.map((manifest) => manifest.kind), 'Ingress', 'ServiceMonitor'].sort());
      for (const manifest of built) {
        expect(manifest.metadata.namespace, manifest.kind).toBe('audit');
        if (manifest.kind === 'ServiceMonitor') expect(serviceMonitorProblems(manifest)).toEqual([]);
        else expect(schemaErrors(manifest), `${manifest.kind} ${manifest.metadata.name}`).toBeUndefined();
      }
    } finally {
      rmSync(overlay, { recursive: true, force: true });
    }
  });
});

function mebibytes(quantity: string): number {
  const match = /^(\d+)(Mi|Gi)$/.exec(quantity);
  if (!match) throw new Error(`unexpected memory quantity ${quantity}`);
  return Number(match[1]) * (match[2] === 'Gi' ? 1024 : 1);
}

function millicores(quantity: string): number {
  return quantity.endsWith('m') ? Number(quantity.slice(0, -1)) : Number(quantity) * 1000;
}

describe('deploy/kubernetes/components/redis', () => {
  const COMPONENT = join(DIR, 'components/redis');
  const component = readDocuments(readFileSync(join(COMPONENT, 'kustomization.yaml'), 'utf8'), 'components/redis/kustomization.yaml')[0] as any;
  const base = manifests.find((manifest) => manifest.kind === 'Deployment')!;

  /** The component's JSON patches applied to the base Deployment (its only target, `add` its only operation). */
  function patched(): Manifest {
    const deployment = structuredClone(base);
    for (const { target, patch } of component.patches) {
      expect(target).toMatchObject({ kind: 'Deployment', name: deployment.metadata.name });
      for (const operation of parseAllDocuments(patch)[0]!.toJS() as Array<{ op: string; path: string; value: unknown }>) {
        expect(operation.op).toBe('add');
        const steps = operation.path.split('/').slice(1);
        let node: any = deployment;
        for (const step of steps.slice(0, -1)) node = node[step];
        expect(Array.isArray(node) && steps.at(-1) === '-').toBe(true);
        node.push(operation.value);
      }
    }
    return deployment;
  }

  it('is a kustomize Component that sets REDIS_URL from a Secret, and the patched Deployment is valid', () => {
    expect(component).toMatchObject({ apiVersion: 'kustomize.config.k8s.io/v1alpha1', kind: 'Component' });
    const deployment = patched();
    expect(schemaErrors(deployment)).toBeUndefined();
    const env = deployment.spec.template.spec.containers[0].env;
    const redis = env.find((entry: any) => entry.name === 'REDIS_URL');
    expect(redis.valueFrom.secretKeyRef).toEqual({ name: expect.any(String), key: expect.any(String) });
    expect(redis.valueFrom.secretKeyRef.name).not.toBe(env.find((entry: any) => entry.name === 'CURSOR_SECRET').valueFrom.secretKeyRef.name);
    // The base stays without it: Redis is optional.
    expect(base.spec.template.spec.containers[0].env.some((entry: any) => entry.name === 'REDIS_URL')).toBe(false);
    const config = loadConfig({ ...configMap.data, ...env, REDIS_URL: 'redis://:pw@redis.example.svc:6379/0', CURSOR_SECRET: 'a-secret-of-at-least-16-characters' });
    expect(config.redisUrl).toBe('redis://:pw@redis.example.svc:6379/0');
  });

  it.skipIf(!kubectl)('`kubectl kustomize` builds an overlay with the component: the Deployment reads REDIS_URL from the Secret', () => {
    const overlay = mkdtempSync(join(tmpdir(), 'overlay-'));
    try {
      writeFileSync(
        join(overlay, 'kustomization.yaml'),
        ['apiVersion: kustomize.config.k8s.io/v1beta1', 'kind: Kustomization', 'resources:', `  - ${relative(overlay, DIR)}`, 'components:', `  - ${relative(overlay, COMPONENT)}`, ''].join('\n'),
      );
      const built = readDocuments(execFileSync('kubectl', ['kustomize', overlay], { encoding: 'utf8' }), 'kubectl kustomize overlay');
      const deployment = built.find((manifest) => manifest.kind === 'Deployment')!;
      expect(schemaErrors(deployment)).toBeUndefined();
      expect(deployment.spec.template.spec.containers[0].env).toEqual(patched().spec.template.spec.containers[0].env);
    } finally {
      rmSync(overlay, { recursive: true, force: true });
    }
  });
});
