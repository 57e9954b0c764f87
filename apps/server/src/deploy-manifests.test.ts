/**
 * The deployment files under deploy/ against the server they deploy: the Kubernetes manifests validate against the
 * Kubernetes schemas of their kinds, the configuration they give the server parses through its own schema (store
 * options through the store's), the probes and the health check ask routes the app registers, and the shutdown
 * figures (termination grace, compose's stop grace, readiness timing) fit the server's shutdown phases. No image is
 * built here: the Dockerfile is checked for what can be read from it.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyEnvOverrides, parseConfig, serverConfigSchema, type ServerConfig } from '@mangaassist/common';
import { createThresholdStoreRegistry } from '@mangaassist/thresholds';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IProbe } from 'kubernetes-models/v1/Probe';
import YAML from 'yaml';
import { HttpClient } from './__tests__/helpers/http-client';
import { TINY_MODEL } from './__tests__/helpers/server-process';
import { startTestServer, type TestServer } from './__tests__/helpers/test-server';

const repo = join(__dirname, '..', '..', '..');
const deployDir = join(repo, 'deploy');
const k8sDir = join(deployDir, 'k8s');

/** The schema-checked model of each kind the manifests use. */
const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'batch/v1/Job': Job,
};

interface Manifest {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly labels?: Record<string, string> };
  readonly [key: string]: unknown;
}

/** Every object of every manifest file under deploy/k8s, by file. */
function manifests(): { file: string; object: Manifest }[] {
  return readdirSync(k8sDir)
    .filter((name) => name.endsWith('.yaml') && name !== 'kustomization.yaml')
    .sort()
    .flatMap((name) =>
      YAML.parseAllDocuments(readFileSync(join(k8sDir, name), 'utf8'))
        .map((doc) => doc.toJS() as Manifest | null)
        .filter((object): object is Manifest => object !== null)
        .map((object) => ({ file: name, object })),
    );
}

function only<T>(kind: string, name = 'mangaassist-server'): T {
  const found = manifests().filter(({ object }) => object.kind === kind && object.metadata.name === name);
  expect(found.map(({ file, object }) => `${file}: ${object.kind}/${object.metadata.name}`)).toHaveLength(1);
  return found[0]!.object as unknown as T;
}

const deployment = () => only<Deployment>('Deployment');
const serverContainer = (): IContainer => deployment().spec!.template.spec!.containers.find((c) => c.name === 'server')!;

/** The Secret's example values by key (what the real Secret must hold). */
function secretValues(): Record<string, string> {
  const secret = only<Secret>('Secret');
  return { ...secret.stringData };
}

/** The container's environment, with secret references replaced by the example Secret's values. */
function containerEnv(container: IContainer): Record<string, string> {
  const secret = only<Secret>('Secret');
  const values = secretValues();
  return Object.fromEntries(
    (container.env ?? []).map((variable) => {
      const ref = variable.valueFrom?.secretKeyRef;
      if (ref) {
        expect({ variable: variable.name, secret: ref.name }).toEqual({ variable: variable.name, secret: secret.metadata!.name });
        expect(Object.keys(values)).toContain(ref.key);
        return [variable.name, values[ref.key]!];
      }
      expect(variable.value).toEqual(expect.any(String));
      return [variable.name, variable.value!];
    }),
  );
}

/** The server's configuration as it starts: the file, then the MANGAASSIST_CFG__* overrides, through the schema. */
function serverConfig(fileText: string, env: Record<string, string>, source: string): ServerConfig {
  for (const name of Object.keys(env)) expect(name).toMatch(/^MANGAASSIST_CFG__/);
  const config = parseConfig(serverConfigSchema, applyEnvOverrides(YAML.parse(fileText), env), source);
  // Store options are checked by the store's own schema (strict: an unknown option is an error).
  createThresholdStoreRegistry().parseOptions(config.thresholds.store.id, config.thresholds.store.options);
  return config;
}

function k8sServerConfig(): ServerConfig {
  const configMap = only<ConfigMap>('ConfigMap');
  return serverConfig(configMap.data!['server.yaml']!, containerEnv(serverContainer()), 'deploy/k8s/configmap.yaml server.yaml');
}

/** Seconds of a compose duration such as `25s` or `1m30s`. */
function composeSeconds(duration: string): number {
  const match = /^(?:(\d+)m)?(?:(\d+)s)?$/.exec(duration);
  if (!match || duration === '') throw new Error(`not a compose duration: ${duration}`);
  return Number(match[1] ?? 0) * 60 + Number(match[2] ?? 0);
}

/** Compose's `${VAR:?message}` and `${VAR:-default}` with `values` for the variables. */
function interpolate(text: string, values: Record<string, string>): string {
  return text.replace(/\$\{([A-Z_]+)(?::([?-])([^}]*))?\}/g, (_, name: string, op: string | undefined, rest: string | undefined) => {
    if (values[name] !== undefined) return values[name]!;
    if (op === '-') return rest ?? '';
    throw new Error(`compose variable ${name} is required: ${rest ?? ''}`);
  });
}

function readiness(container: IContainer): IProbe {
  return container.readinessProbe!;
}

// Shutdown leaves this much after the server's two phases for disposing the model and the store.
const DISPOSE_MARGIN_MS = 5000;

describe('Kubernetes manifests', () => {
  it('every object validates against the Kubernetes schema of its kind', () => {
    const all = manifests();
    expect(all.map(({ object }) => object.kind).sort()).toEqual(['ConfigMap', 'ConfigMap', 'Deployment', 'HorizontalPodAutoscaler', 'Job', 'PodDisruptionBudget', 'Secret', 'Service']);
    for (const { file, object } of all) {
      const Model = MODELS[`${object.apiVersion}/${object.kind}`];
      expect({ file, kind: `${object.apiVersion}/${object.kind}`, known: Model !== undefined }).toEqual({ file, kind: `${object.apiVersion}/${object.kind}`, known: true });
      let problem: string | undefined;
      try {
        new Model!(object as never).validate();
      } catch (error) {
        problem = (error as Error).message;
      }
      expect({ file, kind: object.kind, name: object.metadata.name, problem }).toEqual({ file, kind: object.kind, name: object.metadata.name, problem: undefined });
    }
  });

  it('the schema check refuses a wrongly typed field (so a pass means something)', () => {
    const broken = structuredClone(deployment()) as unknown as { spec: { replicas: unknown; template: { spec: { containers: { ports: { containerPort: unknown }[] }[] } } } };
    broken.spec.replicas = '2';
    broken.spec.template.spec.containers[0]!.ports[0]!.containerPort = 'http';
    expect(() => new Deployment(broken as never).validate()).toThrow(/spec\/replicas must be integer.*containerPort must be integer/s);
  });

  it('kustomization.yaml applies every manifest but the example Secret and the on-demand training Job', () => {
    const kustomization = YAML.parse(readFileSync(join(k8sDir, 'kustomization.yaml'), 'utf8')) as { resources: string[] };
    const onDemand = ['kustomization.yaml', 'secret.example.yaml', 'training-job.yaml', 'training-hyperparameters.yaml'];
    const files = readdirSync(k8sDir).filter((name) => name.endsWith('.yaml') && !onDemand.includes(name));
    expect([...kustomization.resources].sort()).toEqual(files.sort());
  });

  it("the ConfigMap's server.yaml with the Deployment's environment parses through the server's schema", () => {
    const config = k8sServerConfig();
    expect(config.thresholds.store).toEqual({ id: 'postgres', options: expect.objectContaining({ url: secretValues()['threshold-store-url'] }) });
    expect(config.serving.adminToken).toBe(secretValues()['admin-token']);
    // The config file is mounted where the container's arguments say.
    const mount = serverContainer().volumeMounts!.find((m) => m.name === 'config')!;
    expect(serverContainer().args).toEqual(['--config', `${mount.mountPath}/server.yaml`]);
    // The feedback file is written to a mounted, writable folder (the root file system is read-only).
    expect(serverContainer().securityContext?.readOnlyRootFilesystem).toBe(true);
    const writable = serverContainer().volumeMounts!.filter((m) => !m.readOnly).map((m) => m.mountPath);
    expect(writable.some((dir) => config.serving.feedback.path.startsWith(`${dir}/`))).toBe(true);
  });

  it('a key the server does not know, in the ConfigMap or the environment, fails that parse', () => {
    const text = only<ConfigMap>('ConfigMap').data!['server.yaml']!;
    const env = containerEnv(serverContainer());
    expect(() => serverConfig(text.replace('shutdownGraceMs:', 'shutdownGraceMillis:'), env, 'cm')).toThrow(/serving: unknown key\(s\) "shutdownGraceMillis"/);
    expect(() => serverConfig(text, { ...env, MANGAASSIST_CFG__THRESHOLDS__STORE__OPTIONS__POOL: '3' }, 'cm')).toThrow(/unknown key\(s\) "pool"/);
  });

  describe('against the app', () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer({}, { listen: false });
    });
    afterAll(() => server.close());

    it('startup, liveness and readiness probes and the scrape annotation ask GET routes the server registers, on its port', () => {
      const container = serverContainer();
      const config = k8sServerConfig();
      const probes = { startup: container.startupProbe!, liveness: container.livenessProbe!, readiness: container.readinessProbe! };
      const paths = Object.fromEntries(Object.entries(probes).map(([name, probe]) => [name, probe.httpGet?.path]));
      expect(paths).toEqual({ startup: '/healthz', liveness: '/healthz', readiness: '/readyz' });
      const annotations = deployment().spec!.template.metadata!.annotations!;
      for (const path of [...Object.values(paths), annotations['prometheus.io/path']]) {
        expect({ path, registered: server.app.hasRoute({ method: 'GET', url: path! }) }).toEqual({ path, registered: true });
      }
      expect(server.app.hasRoute({ method: 'GET', url: '/livez' })).toBe(false);
      // Named port "http" is the container port the server listens on, on every interface.
      const http = container.ports!.find((p) => p.name === 'http')!;
      for (const probe of Object.values(probes)) expect(probe.httpGet!.port).toBe('http');
      expect(http.containerPort).toBe(config.serving.port);
      expect(Number(annotations['prometheus.io/port'])).toBe(config.serving.port);
      expect(['0.0.0.0', '::']).toContain(config.serving.host);
    });

    it("the image's health check asks a registered route on the configured port", () => {
      const dockerfile = readFileSync(join(deployDir, 'Dockerfile'), 'utf8');
      const check = /HEALTHCHECK[^\n]*\\\n\s+CMD .*fetch\('http:\/\/127\.0\.0\.1:(\d+)(\/[a-z]+)'\)/.exec(dockerfile);
      expect(check).not.toBeNull();
      expect(server.app.hasRoute({ method: 'GET', url: check![2]! })).toBe(true);
      expect(Number(check![1])).toBe(k8sServerConfig().serving.port);
    });
  });

  it('a real server process started from the ConfigMap and the Deployment environment answers every probe, then fails readiness on SIGTERM and exits 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'deploy-configmap-'));
    const configFile = join(dir, 'server.yaml');
    writeFileSync(configFile, only<ConfigMap>('ConfigMap').data!['server.yaml']!);
    const { MANGAASSIST_CFG__THRESHOLDS__STORE__OPTIONS__URL: _storeUrl, ...deploymentEnv } = containerEnv(serverContainer());
    // What the cluster provides and a test cannot: the model, the PostgreSQL store, the pod's address and a
    // writable feedback folder are swapped for local ones; the grace is shortened to keep the test quick.
    const env = {
      ...process.env,
      ...deploymentEnv,
      MANGAASSIST_CFG__SERVING__MODEL_DIR: TINY_MODEL,
      MANGAASSIST_CFG__SERVING__HOST: '127.0.0.1',
      MANGAASSIST_CFG__SERVING__PORT: '0',
      MANGAASSIST_CFG__SERVING__INTRA_OP_NUM_THREADS: '1',
      MANGAASSIST_CFG__SERVING__SHUTDOWN_GRACE_MS: '1000',
      MANGAASSIST_CFG__SERVING__FEEDBACK__PATH: join(dir, 'feedback.jsonl'),
      MANGAASSIST_CFG__THRESHOLDS__STORE__ID: 'sqlite',
      MANGAASSIST_CFG__THRESHOLDS__STORE__OPTIONS: JSON.stringify({ path: join(dir, 'thresholds.db') }),
    };
    const [flag] = serverContainer().args!;
    const child = spawn(process.execPath, [join(__dirname, '..', 'dist', 'main.js'), flag!, configFile], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    let client: HttpClient | undefined;
    try {
      let stderr = '';
      child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout!.on('data', (chunk: Buffer) => {
          out += chunk.toString('utf8');
          const listening = /"url":"(http:[^"]+)"[^\n]*"msg":"listening"/.exec(out);
          if (listening) resolve(listening[1]!);
        });
        void exited.then((code) => reject(new Error(`the server exited (${code}) before listening: ${stderr}`)));
      });
      client = new HttpClient(url);
      const container = serverContainer();
      for (const probe of [container.startupProbe!, container.livenessProbe!, container.readinessProbe!]) {
        const res = await client.send({ url: probe.httpGet!.path! });
        expect({ path: probe.httpGet!.path, status: res.statusCode }).toEqual({ path: probe.httpGet!.path, status: 200 });
      }
      expect((await client.send({ url: '/readyz' })).json()).toMatchObject({ status: 'ready', model: { id: 'frustration-v1', loaded: true } });
      expect((await client.send({ url: deployment().spec!.template.metadata!.annotations!['prometheus.io/path']! })).statusCode).toBe(200);
      child.kill('SIGTERM');
      // Readiness fails at once while the process still answers (liveness stays 200 through the grace).
      let ready = 200;
      for (let i = 0; i < 50 && ready === 200; i++) ready = (await client.send({ url: '/readyz' })).statusCode;
      expect(ready).toBe(503);
      expect((await client.send({ url: container.livenessProbe!.httpGet!.path! })).statusCode).toBe(200);
      expect(await exited).toBe(0);
    } finally {
      await client?.close();
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);

  it("the shutdown figures fit the server's shutdown: grace, then drain, then dispose", () => {
    const config = k8sServerConfig();
    const pod = deployment().spec!.template.spec!;
    const container = serverContainer();
    const preStop = container.lifecycle?.preStop;
    // A preStop hook's time counts against the termination grace too.
    const preStopMs = (preStop?.sleep?.seconds ?? 0) * 1000;
    expect(preStop?.exec).toBeUndefined();
    const { shutdownGraceMs, shutdownTimeoutMs } = config.serving;
    expect(pod.terminationGracePeriodSeconds! * 1000).toBeGreaterThanOrEqual(preStopMs + shutdownGraceMs + shutdownTimeoutMs + DISPOSE_MARGIN_MS);
    // While the server fails readiness during its grace, the probe notices before the grace ends.
    const probe = readiness(container);
    expect(probe.periodSeconds! * probe.failureThreshold! * 1000).toBeLessThanOrEqual(shutdownGraceMs);
    // A readiness ping of a slow store times out in the server (then answers degraded), not in the kubelet.
    expect(probe.timeoutSeconds! * 1000).toBeGreaterThan(config.thresholds.storeTimeoutMs);
    // Rolling updates never go below the replicas: a new pod must be ready before an old one drains.
    expect(deployment().spec!.strategy!.rollingUpdate!.maxUnavailable).toBe(0);
  });

  it('HPA, PDB and Service select the Deployment and its pods; the HPA has CPU requests to measure against', () => {
    const podLabels = deployment().spec!.template.metadata!.labels!;
    const matches = (selector: Record<string, string>) => Object.entries(selector).every(([k, v]) => podLabels[k] === v);
    expect(matches(deployment().spec!.selector.matchLabels!)).toBe(true);
    const service = only<Service>('Service');
    expect(matches(service.spec!.selector!)).toBe(true);
    const portNames = serverContainer().ports!.map((p) => p.name);
    for (const port of service.spec!.ports!) expect(portNames).toContain(port.targetPort);
    const pdb = only<PodDisruptionBudget>('PodDisruptionBudget');
    expect(matches(pdb.spec!.selector!.matchLabels!)).toBe(true);
    const hpa = only<HorizontalPodAutoscaler>('HorizontalPodAutoscaler');
    expect(hpa.spec!.scaleTargetRef).toEqual({ apiVersion: deployment().apiVersion, kind: 'Deployment', name: deployment().metadata!.name });
    expect(hpa.spec!.metrics!.map((m) => m.resource?.name)).toEqual(['cpu']);
    expect(serverContainer().resources!.requests!.cpu).toBeDefined();
    // An eviction never takes the last serving pod.
    expect(hpa.spec!.minReplicas!).toBeGreaterThan(Number(pdb.spec!.maxUnavailable));
    // The inference threads the configuration asks for fit in the CPU limit.
    const { workers, intraOpNumThreads } = k8sServerConfig().serving;
    expect(Math.max(1, workers) * intraOpNumThreads!).toBeLessThanOrEqual(Number(serverContainer().resources!.limits!.cpu));
  });

  it('pods run as the image user, unprivileged', () => {
    const pod = deployment().spec!.template.spec!;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001 });
    expect(serverContainer().securityContext).toMatchObject({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    const dockerfile = readFileSync(join(deployDir, 'Dockerfile'), 'utf8');
    expect(stage(dockerfile, 'server')).toMatch(/^USER 10001:10001$/m);
  });
});

/** The lines of one stage of a Dockerfile (`FROM … AS name` up to the next FROM). */
function stage(dockerfile: string, name: string): string {
  const match = new RegExp(`^FROM \\S+ AS ${name}\\n([\\s\\S]*?)(?=^FROM |$(?![\\s\\S]))`, 'm').exec(dockerfile);
  if (!match) throw new Error(`no stage ${name} in deploy/Dockerfile`);
  return match[1]!;
}

describe('Dockerfile', () => {
  const dockerfile = readFileSync(join(deployDir, 'Dockerfile'), 'utf8');

  it('builds the native kernels strictly with the system packages CI installs, and ships them to the trainer', () => {
    const build = stage(dockerfile, 'build');
    expect(build).toContain('bash tools/ci/install-system-deps.sh runtime');
    expect(existsSync(join(repo, 'tools', 'ci', 'install-system-deps.sh'))).toBe(true);
    const native = /npm run (\S+) -w (@mangaassist\/cpu-kernels) -- --strict/.exec(build);
    expect(native).not.toBeNull();
    const kernels = JSON.parse(readFileSync(join(repo, 'packages', 'cpu-kernels', 'package.json'), 'utf8')) as { name: string; scripts: Record<string, string> };
    expect(kernels.name).toBe(native![2]);
    expect(kernels.scripts[native![1]!]).toBeDefined();
    // The runtime stage the final images start from copies packages/ (the built addon among them) from the build.
    expect(stage(dockerfile, 'runtime')).toMatch(/^COPY --from=build \/src\/packages \.\/packages$/m);
    expect(stage(dockerfile, 'trainer')).toMatch(/^USER 10001:10001$/m);
  });

  it("the server's entrypoint is the repository's launcher, which execs node so that SIGTERM reaches the server", () => {
    const entrypoint = JSON.parse(/^ENTRYPOINT (\[.*\])$/m.exec(stage(dockerfile, 'server'))![1]!) as string[];
    expect(entrypoint).toEqual(['/app/apps/server/bin/mangaassist-server']);
    const launcherFile = join(repo, 'apps', 'server', 'bin', 'mangaassist-server');
    expect(statSync(launcherFile).mode & 0o111).not.toBe(0);
    const launcher = readFileSync(launcherFile, 'utf8');
    expect(launcher).toMatch(/^exec "\$\{NODE:-node\}" "\$here\/\.\.\/dist\/main\.js" "\$@"$/m);
    expect(Number(/^EXPOSE (\d+)$/m.exec(stage(dockerfile, 'server'))![1])).toBe(k8sServerConfig().serving.port);
  });
});

describe('compose file (one host: server, PostgreSQL, Redis)', () => {
  const composeDir = join(deployDir, 'compose');
  const values = { MANGAASSIST_ADMIN_TOKEN: 'a-compose-admin-token-0123456789', POSTGRES_PASSWORD: 'compose-password' };
  interface ComposeService {
    environment?: Record<string, string>;
    stop_grace_period?: string;
    depends_on?: Record<string, { condition: string }>;
    healthcheck?: { test: string[] };
    volumes?: string[];
    ports?: string[];
  }
  const compose = () => YAML.parse(interpolate(readFileSync(join(composeDir, 'compose.yaml'), 'utf8'), values)) as { services: Record<string, ComposeService> };
  const configText = () => readFileSync(join(composeDir, 'server.yaml'), 'utf8');

  it('runs the three services, the server after the other two are healthy', () => {
    const { services } = compose();
    expect(Object.keys(services).sort()).toEqual(['postgres', 'redis', 'server']);
    expect(services.server!.depends_on).toEqual({ postgres: { condition: 'service_healthy' }, redis: { condition: 'service_healthy' } });
    for (const name of ['postgres', 'redis']) expect(services[name]!.healthcheck?.test.length).toBeGreaterThan(1);
    expect(() => interpolate('${MANGAASSIST_ADMIN_TOKEN:?set it}', {})).toThrow(/MANGAASSIST_ADMIN_TOKEN is required/);
  });

  it("the server's configuration parses with the compose environment, for the PostgreSQL store and the Redis switch", () => {
    const { services } = compose();
    const env = services.server!.environment!;
    const config = serverConfig(configText(), env, 'deploy/compose/server.yaml');
    expect(config.serving.adminToken).toBe(values.MANGAASSIST_ADMIN_TOKEN);
    const url = new URL(String(config.thresholds.store.options.url));
    expect(Object.keys(services)).toContain(url.hostname);
    // The switch the file's comment documents.
    const redis = serverConfig(configText(), { ...env, MANGAASSIST_CFG__THRESHOLDS__STORE__ID: 'redis', MANGAASSIST_CFG__THRESHOLDS__STORE__OPTIONS__URL: 'redis://redis:6379/0' }, 'redis');
    expect(redis.thresholds.store.id).toBe('redis');
    expect(configText()).toContain('MANGAASSIST_CFG__THRESHOLDS__STORE__ID=redis');
    // Mounted where the command reads it; published on the port the server listens on, on every interface.
    expect(services.server!.volumes).toContain('./server.yaml:/etc/mangaassist/server.yaml:ro');
    expect(services.server!.ports).toEqual([`${config.serving.port}:${config.serving.port}`]);
    expect(config.serving.host).toBe('0.0.0.0');
    expect(services.server!.volumes!.some((v) => v.endsWith(`:${config.serving.modelDir}:ro`))).toBe(true);
  });

  it("compose waits for the server's grace and drain before it kills (its default is 10 s)", () => {
    const { services } = compose();
    const { shutdownGraceMs, shutdownTimeoutMs } = serverConfig(configText(), services.server!.environment!, 'compose').serving;
    expect(composeSeconds(services.server!.stop_grace_period!) * 1000).toBeGreaterThanOrEqual(shutdownGraceMs + shutdownTimeoutMs + DISPOSE_MARGIN_MS);
  });
});
