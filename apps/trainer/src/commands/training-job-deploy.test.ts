/**
 * The trainer's deployment files against the command they run: the image's entrypoint starts `training-job` the way
 * the platform does (`<image> train`), and the cluster Job mounts what the container contract reads and writes and
 * hands it hyperparameters the command accepts. (deploy/ as a whole is validated against the Kubernetes schemas by
 * the server app's deploy-manifests test.)
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseConfig, readConfigFile, trainJobConfigSchema } from '@mangaassist/common';
import { mapHyperparameters, resolveJobLayout, setConfigField } from '@mangaassist/pipelines';
import { createContainer } from '../container';
import { buildProgram } from '../program';
import { PLUGINS } from '../tokens';

const repo = join(__dirname, '..', '..', '..', '..');
const k8s = join(repo, 'deploy', 'k8s');

interface Mount {
  readonly name: string;
  readonly mountPath: string;
  readonly readOnly?: boolean;
}
interface JobManifest {
  spec: {
    podFailurePolicy: { rules: { action: string; onExitCodes?: { containerName: string; operator: string; values: number[] } }[] };
    template: {
      spec: {
        restartPolicy: string;
        containers: { name: string; args: string[]; volumeMounts: Mount[] }[];
        volumes: { name: string; configMap?: { name: string } }[];
      };
    };
  };
}

const job = () => readConfigFile(join(k8s, 'training-job.yaml'), {}) as JobManifest;
const hyperparameters = () => readConfigFile(join(k8s, 'training-hyperparameters.yaml'), {}) as { metadata: { name: string }; data: Record<string, string> };

/** The lines of one stage of deploy/Dockerfile. */
function stage(name: string): string {
  const dockerfile = readFileSync(join(repo, 'deploy', 'Dockerfile'), 'utf8');
  const match = new RegExp(`^FROM \\S+ AS ${name}\\n([\\s\\S]*?)(?=^FROM |$(?![\\s\\S]))`, 'm').exec(dockerfile);
  if (!match) throw new Error(`no stage ${name} in deploy/Dockerfile`);
  return match[1]!;
}

describe('trainer image and cluster training Job', () => {
  it("the image's entrypoint is this app's built main running training-job, and its default argument is the platform's train", () => {
    const trainer = stage('trainer');
    const entrypoint = JSON.parse(/^ENTRYPOINT (\[.*\])$/m.exec(trainer)![1]!) as string[];
    const main = (JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { main: string }).main;
    expect(entrypoint).toEqual(['node', join('/app/apps/trainer', main), 'training-job']);
    expect(JSON.parse(/^CMD (\[.*\])$/m.exec(trainer)![1]!)).toEqual(['train']);
    expect(buildProgram(createContainer()).commands.map((c) => c.name())).toContain('training-job');
    // The contract's folders exist in the image and belong to its user.
    const layout = resolveJobLayout({});
    for (const dir of [dirname(layout.hyperparametersFile), join(layout.root, 'input', 'data'), layout.modelDir, layout.outputDir, layout.checkpointDir]) {
      expect(trainer).toMatch(new RegExp(`^RUN mkdir -p [^\\n]*${dir.replace(/\//g, '\\/')}( |$)`, 'm'));
    }
    expect(trainer).toMatch(/chown -R 10001:10001 \/opt\/ml$/m);
  });

  it('the Job mounts the data, the hyperparameters and the outputs where the contract reads and writes them', () => {
    const pod = job().spec.template.spec;
    const container = pod.containers.find((c) => c.name === 'trainer')!;
    expect(container.args).toEqual(['train']);
    const mounts = Object.fromEntries(container.volumeMounts.map((m) => [m.mountPath, m]));
    const layout = resolveJobLayout({});
    expect(mounts[join(layout.root, 'input', 'data')]).toMatchObject({ name: 'data', readOnly: true });
    expect(mounts[dirname(layout.hyperparametersFile)]).toMatchObject({ name: 'hyperparameters', readOnly: true });
    for (const dir of [layout.modelDir, layout.outputDir, layout.checkpointDir]) expect(mounts[dir]?.readOnly).not.toBe(true);
    const volume = pod.volumes.find((v) => v.name === 'hyperparameters')!;
    expect(volume.configMap?.name).toBe(hyperparameters().metadata.name);
    expect(Object.keys(hyperparameters().data)).toEqual(['hyperparameters.json']);
  });

  it("the Job's hyperparameters map onto a valid training configuration", () => {
    const mapped = mapHyperparameters(JSON.parse(hyperparameters().data['hyperparameters.json']!), 'training-hyperparameters.yaml');
    const raw: Record<string, unknown> = { data: { train: { path: '/opt/ml/input/data/train/train.jsonl' } } };
    for (const [field, value] of mapped.fields) setConfigField(raw, field, value);
    const config = parseConfig(trainJobConfigSchema, raw, 'training-hyperparameters.yaml');
    expect(() => createContainer().resolve(PLUGINS).losses.parseOptions(config.loss.id, config.loss.options)).not.toThrow();
    expect(config.schedule.unfreezing.id).toBe('ulmfit');
  });

  it("fails the Job at once on the command's configuration-error exit code, and retries other losses", () => {
    const { spec } = job();
    expect(spec.template.spec.restartPolicy).toBe('Never');
    // The exit code the container contract test observes for bad hyperparameters.
    expect(spec.podFailurePolicy.rules[0]).toEqual({ action: 'FailJob', onExitCodes: { containerName: 'trainer', operator: 'In', values: [1] } });
  });
});
