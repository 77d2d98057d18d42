/**
 * The deployment examples (deploy/), checked statically as test/dockerfile.test.ts checks the image: no
 * Docker engine or cluster runs here. Each example must configure the gateway as it reads its environment
 * (the variables pass src/config.ts), agree with itself (ports, service names, probes, grace periods),
 * keep /metrics off the public port, and run non-root; CI must test the runtime the image ships.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { loadConfig } from '../src/config.js';

const read = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8');
type Doc = Record<string, unknown>;
/** A value at a dotted path of a parsed document (numbers index lists). */
function at(doc: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], doc);
}
const dummyCredential = {
  MONGODB_ATLAS_CLIENT_ID: 'mdb_sa_id_example',
  MONGODB_ATLAS_CLIENT_SECRET: 'mdb_sa_sk_example',
};

describe('docker compose example (deploy/compose)', () => {
  const compose = parse(read('deploy/compose/compose.yaml')) as Doc;
  const services = at(compose, 'services') as Record<string, Doc>;
  const gateway = services['gateway'] ?? {};
  const rawEnv = at(gateway, 'environment') as Record<string, string>;
  // `${VAR:?message}` is compose's "required" form: the credential comes from the caller's environment.
  const env = Object.fromEntries(
    Object.entries(rawEnv).map(([name, value]) => [name, /^\$\{(\w+):\?/.test(value) ? `from-${name}` : value]),
  );

  it('runs three gateway replicas built from the Dockerfile, with Redis, Prometheus, a collector and nginx', () => {
    expect(Object.keys(services).sort()).toEqual(['gateway', 'nginx', 'otel-collector', 'prometheus', 'redis']);
    expect(at(gateway, 'deploy.replicas')).toBe(3);
    expect(at(gateway, 'build.context')).toBe('../..');
    expect(at(gateway, 'build.dockerfile')).toBe('Dockerfile');
    expect(rawEnv['MONGODB_ATLAS_CLIENT_SECRET']).toMatch(/^\$\{MONGODB_ATLAS_CLIENT_SECRET:\?/);
  });

  it('configures the gateway with variables it accepts, pointing at the other services', () => {
    const config = loadConfig({ ...env, ...dummyCredential });
    expect(config.redisUrl).toBe('redis://redis:6379');
    expect(config.operations.metrics?.port).toBe(9464);
    expect(config.operations.tracing?.endpoint).toBe('http://otel-collector:4318/v1/traces');
    const collector = parse(read('deploy/compose/otel-collector.yaml')) as Doc;
    expect(at(collector, 'receivers.otlp.protocols.http.endpoint')).toBe('0.0.0.0:4318');
    expect(at(collector, 'service.pipelines.traces.receivers')).toEqual(['otlp']);
    // Draining ends before Docker's SIGKILL.
    const grace = Number(/^(\d+)s$/.exec(String(at(gateway, 'stop_grace_period')))?.[1]) * 1000;
    expect(grace).toBeGreaterThan(config.operations.shutdown.delayMs + config.operations.shutdown.timeoutMs);
  });

  it('publishes only nginx and Prometheus: /metrics and Redis stay on the compose network', () => {
    expect(gateway['ports']).toBeUndefined();
    expect(services['redis']?.['ports']).toBeUndefined();
    expect(at(services, 'nginx.ports')).toEqual(['4000:4000']);
    const nginx = read('deploy/compose/nginx.conf');
    expect(nginx).toMatch(/server gateway:4000\b/);
    expect(nginx).toMatch(/location = \/metrics \{ return 404; \}/);
    // The host with its port (a same-origin page's Origin has it), and WebSocket upgrades passed on.
    expect(nginx).toMatch(/proxy_set_header Host \$http_host;/);
    expect(nginx).toMatch(/proxy_set_header Upgrade \$http_upgrade;/);
    expect(nginx).toMatch(/proxy_set_header Connection \$connection_upgrade;/);
    const prometheus = parse(read('deploy/compose/prometheus.yml')) as Doc;
    expect(at(prometheus, 'scrape_configs.0.dns_sd_configs.0')).toEqual({ names: ['gateway'], type: 'A', port: 9464 });
  });

  it('runs the gateway read-only, without capabilities', () => {
    expect(gateway['read_only']).toBe(true);
    expect(gateway['cap_drop']).toEqual(['ALL']);
  });
});

describe('Kubernetes example (deploy/kubernetes)', () => {
  const files = readdirSync(new URL('../deploy/kubernetes/', import.meta.url)).filter(
    (f) => f !== 'kustomization.yaml',
  );
  const docs = files.flatMap((file) =>
    parseAllDocuments(read(`deploy/kubernetes/${file}`)).map((d) => d.toJS() as Doc),
  );
  const find = (kind: string, name: string) => {
    const doc = docs.find((d) => d['kind'] === kind && at(d, 'metadata.name') === name);
    if (!doc) throw new Error(`no ${kind} ${name}`);
    return doc;
  };
  const deployment = find('Deployment', 'atlas-backup-gateway');
  const pod = at(deployment, 'spec.template.spec') as Doc;
  const container = at(pod, 'containers.0') as Doc;
  const configMap = find('ConfigMap', 'atlas-backup-gateway');
  const env = at(configMap, 'data') as Record<string, string>;
  const config = loadConfig({ ...env, ...dummyCredential });

  it('lists every manifest in its kustomization', () => {
    const kustomization = parse(read('deploy/kubernetes/kustomization.yaml')) as Doc;
    expect([...(kustomization['resources'] as string[])].sort()).toEqual([...files].sort());
  });

  it('runs three replicas, one at a time out of service, with the credential from a Secret', () => {
    expect(at(deployment, 'spec.replicas')).toBe(3);
    expect(at(deployment, 'spec.strategy.rollingUpdate.maxUnavailable')).toBe(0);
    expect(container['envFrom']).toEqual([
      { configMapRef: { name: 'atlas-backup-gateway' } },
      { secretRef: { name: 'atlas-credentials' } },
    ]);
    expect(JSON.stringify(configMap)).not.toMatch(/MONGODB_ATLAS/);
  });

  it('probes liveness on /health and readiness on /ready, on the port the gateway listens on', () => {
    const ports = container['ports'] as { name: string; containerPort: number }[];
    expect(ports.find((p) => p.name === 'http')?.containerPort).toBe(config.port);
    expect(ports.find((p) => p.name === 'metrics')?.containerPort).toBe(config.operations.metrics?.port);
    expect(at(container, 'livenessProbe.httpGet')).toEqual({ path: '/health', port: 'http' });
    expect(at(container, 'readinessProbe.httpGet')).toEqual({ path: '/ready', port: 'http' });
    expect(at(container, 'startupProbe.httpGet')).toEqual({ path: '/health', port: 'http' });
  });

  it('drains within the termination grace period', () => {
    const { delayMs, timeoutMs } = config.operations.shutdown;
    expect(delayMs).toBeGreaterThan(0);
    expect(Number(pod['terminationGracePeriodSeconds']) * 1000).toBeGreaterThan(delayMs + timeoutMs);
  });

  it('requests and limits resources, with the heap under the memory limit', () => {
    expect(at(container, 'resources.requests.cpu')).toBeDefined();
    expect(at(container, 'resources.requests.memory')).toBeDefined();
    const limit = /^(\d+)Mi$/.exec(String(at(container, 'resources.limits.memory')))?.[1];
    const heap = /--max-old-space-size=(\d+)/.exec(JSON.stringify(container['env']))?.[1];
    expect(Number(heap)).toBeLessThan(Number(limit));
  });

  it('runs as the image’s non-root user, read-only, without capabilities', () => {
    expect(at(pod, 'securityContext.runAsNonRoot')).toBe(true);
    expect(at(pod, 'securityContext.runAsUser')).toBe(1000);
    expect(at(container, 'securityContext')).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
  });

  it('keeps two replicas through voluntary disruptions', () => {
    const pdb = find('PodDisruptionBudget', 'atlas-backup-gateway');
    expect(at(pdb, 'spec.minAvailable')).toBe(2);
    expect(at(pdb, 'spec.selector.matchLabels')).toEqual(at(deployment, 'spec.template.metadata.labels'));
  });

  it('routes only GraphQL through the Service; Prometheus scrapes the metrics port on the pods', () => {
    const service = find('Service', 'atlas-backup-gateway');
    expect(at(service, 'spec.ports')).toEqual([{ name: 'http', port: 80, targetPort: 'http' }]);
    expect(at(deployment, 'spec.template.metadata.annotations')).toMatchObject({
      'prometheus.io/port': String(config.operations.metrics?.port),
      'prometheus.io/path': '/metrics',
    });
    expect(config.redisUrl).toBe(`redis://${String(at(find('Service', 'atlas-backup-redis'), 'metadata.name'))}:6379`);
  });
});

describe('the image stays small, and CI tests the runtime it ships', () => {
  it('has no development tool among the production dependencies', () => {
    const pkg = JSON.parse(read('package.json')) as { dependencies: Record<string, string> };
    const dev =
      /^(vitest|typescript|tsx|prettier|playwright|relay-|@apollo\/client|@urql|@graphql-codegen|autocannon|yaml$)/;
    expect(Object.keys(pkg.dependencies).filter((name) => dev.test(name))).toEqual([]);
  });

  it('.ci/run runs the test command on Node 20, then on the Node 22 the image runs', () => {
    const ci = read('.ci/run');
    const dockerNode = /^FROM node:(\d+)-slim AS runtime$/m.exec(read('Dockerfile'))?.[1];
    expect(dockerNode).toBe('22');
    const node22 = /npm install --prefix "\$node22" .*node@(22\.\d+\.\d+)/.exec(ci)?.[1];
    expect(node22).toMatch(/^22\./);
    expect(ci.match(/^npm test$/gm)).toHaveLength(2);
    expect(ci.indexOf('export PATH="$node22/node_modules/.bin:$PATH"')).toBeLessThan(ci.lastIndexOf('npm test'));
  });
});
