import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigMap, Service } from 'kubernetes-models/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
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
};

interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  [key: string]: any;
}

function readDocuments(text: string, source: string): Manifest[] {
  return parseAllDocuments(text).map((document) => {
    expect(document.errors, `${source}: YAML errors`).toEqual([]);
    return document.toJS() as Manifest;
  });
}

const kustomization = readDocuments(readFileSync(join(DIR, 'kustomization.yaml'), 'utf8'), 'kustomization.yaml')[0] as any;
const files: string[] = kustomization.resources;
const manifests = files.flatMap((file) => readDocuments(readFileSync(join(DIR, file), 'utf8'), file));
const byKind = (kind: string) => {
  const found = manifests.filter((manifest) => manifest.kind === kind);
  expect(found, kind).toHaveLength(1);
  return found[0]!;
};

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
  const configMap = byKind('ConfigMap');
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

  const kubectl = spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status === 0;
  it.skipIf(!kubectl)('`kubectl kustomize` builds the directory into the same, valid manifests with the image tag set', () => {
    const built = readDocuments(execFileSync('kubectl', ['kustomize', DIR], { encoding: 'utf8' }), 'kubectl kustomize');
    expect(built.map((manifest) => manifest.kind).sort()).toEqual(manifests.map((manifest) => manifest.kind).sort());
    for (const manifest of built) expect(schemaErrors(manifest), `${manifest.kind} ${manifest.metadata.name}`).toBeUndefined();
    const image = built.find((manifest) => manifest.kind === 'Deployment')!.spec.template.spec.containers[0].image;
    expect(image).toBe(`${container.image}:${kustomization.images[0].newTag}`);
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
