import { basename, posix } from 'node:path';
import { MangaAssistError } from '@mangaassist/common';
import type { AblationConfig } from './ablation-config';
import { ablationPlan } from './ablation-runner';

/** The trainer image of `deploy/Dockerfile` (target `trainer`), as `deploy/k8s/training-job.yaml` names it. */
export const TRAINER_IMAGE = 'registry.example.com/mangaassist-trainer:latest';

/** The CLI's entry point inside the trainer image (its ENTRYPOINT runs it with `training-job`; the ablation pods run it with `ablation`). */
export const TRAINER_IMAGE_MAIN = '/app/apps/trainer/dist/main.js';

/** Options of {@link ablationIndexedJob}. */
export interface AblationIndexedJobOptions {
  /** The PersistentVolumeClaim every pod mounts (ReadWriteMany): the config, the runs, the row files and the report. */
  readonly claimName: string;
  /** Where the pods mount it (default `/mnt/ablation`). */
  readonly mountPath?: string;
  /** The config file as the pods see it (default `<mountPath>/<file name of the config>`: copy it there first). */
  readonly configPath?: string;
  readonly image?: string;
  /** TensorFlow.js backend of every row (default `auto`). */
  readonly backend?: string;
  /** Pods at once (default: every row). */
  readonly parallelism?: number;
  /** The Job's name (default `mangaassist-ablation-<config name without a leading ablation->`, made a DNS label). */
  readonly name?: string;
}

/** What {@link ablationIndexedJob} returns: the manifest and where its pods write. */
export interface AblationIndexedJob {
  /** A `batch/v1` Job, `completionMode: Indexed`, one completion per run of the ablation's plan. */
  readonly manifest: Record<string, unknown>;
  /** `outRoot` of the pods (on the volume): the runs, the generated corpus and, after collecting, the report. */
  readonly outRoot: string;
  /** Where each pod writes its row file. */
  readonly resultsDir: string;
  /** The command that builds the report once the Job has completed (run where the volume is mounted at `mountPath`). */
  readonly collectArgs: readonly string[];
}

/**
 * The ablation as one Kubernetes Indexed Job: pod `i` runs the trainer image with
 * `ablation --config <file> --row $(JOB_COMPLETION_INDEX) --out <results>` and so trains and scores run `i` of
 * {@link ablationPlan} alone, writing `row-000i.json` on the shared volume; `ablation --collect <results>` then
 * builds the report. The pod spec follows `deploy/k8s/training-job.yaml` (non-root user 10001, read-only root
 * file system with `/tmp` and the hub cache as empty dirs, exit 1 fails the Job at once, disrupted pods are retried;
 * a retried pod reuses its run when the run had finished, since the runs live on the volume).
 *
 * @throws MangaAssistError `INVALID_ARGUMENT` for a claim name that is not a DNS name, a relative mount path or a bad parallelism
 *
 * @example
 * ```ts
 * const { manifest } = ablationIndexedJob(loadAblationConfig('configs/ablation-mangaassist.yaml'), { claimName: 'ablation-data' });
 * ```
 */
export function ablationIndexedJob(config: AblationConfig, options: AblationIndexedJobOptions): AblationIndexedJob {
  const mountPath = options.mountPath ?? '/mnt/ablation';
  if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(options.claimName)) {
    throw new MangaAssistError('INVALID_ARGUMENT', `--pvc must name a PersistentVolumeClaim (lower-case letters, digits, "-" and "."), got ${JSON.stringify(options.claimName)}`, { field: 'pvc' });
  }
  if (!posix.isAbsolute(mountPath)) throw new MangaAssistError('INVALID_ARGUMENT', `--mount-path must be an absolute path, got ${mountPath}`, { field: 'mountPath' });
  const completions = ablationPlan(config).length;
  const parallelism = options.parallelism ?? completions;
  if (!Number.isInteger(parallelism) || parallelism < 1) {
    throw new MangaAssistError('INVALID_ARGUMENT', `--parallelism must be a positive integer, got ${parallelism}`, { field: 'parallelism' });
  }
  const outRoot = posix.join(mountPath, 'runs');
  const resultsDir = posix.join(outRoot, config.name, 'row-results');
  const configPath = options.configPath ?? posix.join(mountPath, basename(config.source));
  const backend = options.backend ?? 'auto';
  const name = options.name ?? `mangaassist-ablation-${config.name.replace(/^ablation-/, '')}`.toLowerCase().replace(/[^a-z0-9-]+/g, '-').slice(0, 63).replace(/-+$/, '');
  const labels = { 'app.kubernetes.io/name': 'mangaassist-trainer', 'app.kubernetes.io/part-of': 'mangaassist', 'app.kubernetes.io/component': 'ablation' };
  const manifest = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, labels },
    spec: {
      completionMode: 'Indexed',
      completions,
      parallelism: Math.min(parallelism, completions),
      backoffLimit: 3 * completions,
      podFailurePolicy: {
        rules: [
          // Exit 1: the row cannot succeed as configured (bad config, missing data), and neither would a retry.
          { action: 'FailJob', onExitCodes: { containerName: 'trainer', operator: 'In', values: [1] } },
          { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] },
        ],
      },
      template: {
        metadata: { labels: { ...labels } },
        spec: {
          restartPolicy: 'Never',
          terminationGracePeriodSeconds: 120,
          automountServiceAccountToken: false,
          securityContext: { runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [
            {
              name: 'trainer',
              image: options.image ?? TRAINER_IMAGE,
              // The image's entrypoint runs training-job; the ablation is another command of the same CLI.
              command: ['node', TRAINER_IMAGE_MAIN],
              args: ['ablation', '--config', configPath, '--row', '$(JOB_COMPLETION_INDEX)', '--out', resultsDir, '--backend', backend],
              env: [
                // Set by the Job controller for Indexed Jobs; declared here so that $(JOB_COMPLETION_INDEX) in args expands.
                { name: 'JOB_COMPLETION_INDEX', valueFrom: { fieldRef: { fieldPath: "metadata.annotations['batch.kubernetes.io/job-completion-index']" } } },
                { name: 'MANGAASSIST_CFG__OUT_ROOT', value: outRoot },
              ],
              resources: { requests: { cpu: '8', memory: '16Gi' }, limits: { memory: '16Gi' } },
              securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
              volumeMounts: [
                { name: 'shared', mountPath },
                { name: 'tmp', mountPath: '/tmp' },
                // Hub downloads (a base model given as a hub id) on a read-only image.
                { name: 'cache', mountPath: '/home/mangaassist/.cache' },
              ],
            },
          ],
          volumes: [
            { name: 'shared', persistentVolumeClaim: { claimName: options.claimName } },
            { name: 'tmp', emptyDir: {} },
            { name: 'cache', emptyDir: {} },
          ],
        },
      },
    },
  };
  return { manifest, outRoot, resultsDir, collectArgs: ['ablation', '--config', configPath, '--collect', resultsDir] };
}
