import { MangaAssistError, registerPluginPackages, type ServerConfig, type ServingConfig } from '@mangaassist/common';
import { processHugePageBytes } from '@mangaassist/runtime-onnx';
import type { FeedbackLog, TextClassifier } from '@mangaassist/serving';
import { cacheOptions, CachedThresholdStore, checkModelId, openThresholdStore, type ThresholdStore } from '@mangaassist/thresholds';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { AppContext, ServerThresholdStore } from './app-context';
import { buildApp } from './app';
import { createContainer } from './container';
import { createLogger } from './logger';
import { startOverrideExpiry } from './override-expiry';
import { APP_CONTEXT, CLASSIFIER, CLASSIFIER_LOADER, CONVERSATION_MEMORY, ESCALATION_POLICIES, SHARED_FEEDBACK, THRESHOLD_STORE, THRESHOLD_STORES } from './tokens';

/** What a caller may supply instead of what the configuration describes. */
export interface StartServerOptions {
  /** A classifier already loaded; default: loaded from `serving.modelDir`. Not disposed by `close()`. */
  readonly classifier?: TextClassifier;
  /** A threshold store (wrapped in the TTL cache when it is not one); default: `thresholds.store`. Not closed by `close()`. */
  readonly store?: ThresholdStore;
  /** Default: the JSON Lines file at `serving.feedback.path`. */
  readonly feedback?: FeedbackLog;
  readonly logger?: FastifyBaseLogger;
  /** Loads the classifier described by `serving` (default: ONNX Runtime on `serving.modelDir`; tests replace it). */
  readonly loadClassifier?: (serving: ServingConfig, logger?: FastifyBaseLogger) => Promise<TextClassifier>;
  /** Listen or not: `false` builds the app for `app.inject()` only. Default true. */
  readonly listen?: boolean;
  /**
   * The file the configuration came from: its `plugins` packages resolve from its directory (then the working
   * directory), and errors name it. Default: the working directory, named "server configuration".
   */
  readonly configFile?: string;
}

/** A started server. */
export interface RunningServer {
  /** `http://host:port` (the real port when the configuration asked for 0); empty when not listening. */
  readonly url: string;
  readonly app: FastifyInstance;
  /** The composed services (classification, store, metrics, feedback…), for embedders and tests. */
  readonly context: AppContext;
  /**
   * Stops the server. With `graceMs`, it first fails readiness and keeps serving (each response says
   * `Connection: close`) for that long, so load balancers route elsewhere; then new requests get 503 with
   * Retry-After, requests admitted are answered, queued texts are classified, and what this call created is
   * disposed. After `serving.shutdownTimeoutMs` the remaining connections are cut. Safe to call more than once.
   */
  close(options?: { graceMs?: number }): Promise<void>;
}

/**
 * Logs how much of the process sits on transparent huge pages once the model is loaded, and warns when none does:
 * the weights are then on 4 KB pages and every message pays for it (see `bin/mangaassist-server`).
 */
function reportHugePages(logger: FastifyBaseLogger): void {
  const hugePageBytes = processHugePageBytes();
  if (hugePageBytes === null) return;
  if (hugePageBytes > 0) logger.info({ hugePageBytes }, 'model memory on transparent huge pages');
  else logger.warn({ hugePageBytes }, 'model memory not on transparent huge pages: start through bin/mangaassist-server (or with GLIBC_TUNABLES=glibc.malloc.hugetlb=1) on a kernel with them enabled, for 3-10% lower latency');
}

/**
 * Starts the HTTP service: composes the app's container, registers the threshold stores of the config's `plugins`
 * packages, loads the classifier, opens the threshold store behind its cache, reads the thresholds once (a failure
 * here is not fatal: readiness reports it), and listens. Fails when the model cannot be loaded, with an error
 * naming the file, and when a plugin package cannot be loaded, naming the config file, the field and the package.
 *
 * @example
 * ```ts
 * const server = await startServer(loadConfigFile(serverConfigSchema, 'server.yaml'), { configFile: 'server.yaml' });
 * console.log(`listening on ${server.url}`);
 * process.once('SIGTERM', () => void server.close());
 * ```
 */
export async function startServer(config: ServerConfig, options: StartServerOptions = {}): Promise<RunningServer> {
  const logger = options.logger ?? createLogger();
  const c = createContainer(config, {
    logger,
    ...(options.feedback ? { feedback: options.feedback } : {}),
    ...(options.loadClassifier ? { loadClassifier: options.loadClassifier } : {}),
  });
  const stores = c.resolve(THRESHOLD_STORES);
  // Stores and escalation policies: the server chooses no thresholds, so a package's other families are not registered here.
  registerPluginPackages(
    config.plugins ?? [],
    { thresholdStores: stores, escalationPolicies: c.resolve(ESCALATION_POLICIES) },
    { configFile: options.configFile ?? 'server configuration' },
  );
  const classifier = options.classifier ?? (await c.resolve(CLASSIFIER_LOADER)(config.serving, logger));
  const ownsClassifier = options.classifier === undefined;
  try {
    // Every threshold read would fail on an id the stores refuse, while readiness still said ready: refuse to start.
    checkModelId(classifier.modelId);
  } catch (error) {
    if (ownsClassifier) await classifier.dispose();
    throw new MangaAssistError(
      'CONFIG_INVALID',
      `serving.modelId (or, when unset, the model's config.json "mangaassist_model_id") cannot key the threshold store: ${(error as Error).message}`,
      { modelId: classifier.modelId },
      { cause: error },
    );
  }
  let store: ServerThresholdStore;
  try {
    store = options.store
      ? options.store instanceof CachedThresholdStore
        ? options.store
        : new CachedThresholdStore(options.store, cacheOptions(config.thresholds))
      : openThresholdStore(config.thresholds, { registry: stores });
  } catch (error) {
    if (ownsClassifier) await classifier.dispose();
    throw error;
  }
  const ownsStore = options.store === undefined;
  try {
    // The churn phrases too, so that a store failing later finds a list to fall back on.
    await Promise.all([store.getEffective(classifier.modelId), store.getChurnPhrases(classifier.modelId)]);
  } catch (error) {
    logger.warn({ err: error, modelId: classifier.modelId }, 'threshold store unreachable at startup; not ready until it answers');
  }

  c.register(CLASSIFIER, { useValue: classifier });
  c.register(THRESHOLD_STORE, { useValue: store });
  let ctx: AppContext;
  try {
    // Creates the escalation policy: options it refuses (an unknown label, a bad tier) stop the start here.
    ctx = c.resolve(APP_CONTEXT);
  } catch (error) {
    if (ownsClassifier) await classifier.dispose();
    if (ownsStore) await store.close();
    throw error;
  }
  logDefaultThresholds(ctx, logger);
  // The running feedback report is rebuilt once, streamed, while the server starts serving; the report waits for it.
  ctx.verdicts.start().catch((error: unknown) => logger.error({ err: error }, 'feedback report not rebuilt from the feedback log; retried on the next report'));
  const app = await buildApp(ctx, logger);
  const stopExpiry = startOverrideExpiry(store, classifier.modelId, config.thresholds.overrideExpiryCheckMs, logger);
  app.addHook('onClose', async () => {
    stopExpiry();
    await ctx.service.drain();
    if (ownsClassifier) await classifier.dispose();
    if (ownsStore) await store.close();
    if (ctx.service.usesConversation) await c.resolve(CONVERSATION_MEMORY).close();
    await c.resolve(SHARED_FEEDBACK)?.close();
  });

  let url = '';
  if (options.listen !== false) {
    try {
      await app.listen({ host: config.serving.host, port: config.serving.port });
    } catch (error) {
      await app.close();
      throw new MangaAssistError(
        'CONFIG_INVALID',
        `cannot listen on ${config.serving.host}:${config.serving.port} (serving.host, serving.port): ${(error as Error).message}`,
        { host: config.serving.host, port: config.serving.port },
        { cause: error },
      );
    }
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.serving.port;
    const host = config.serving.host.includes(':') ? `[${config.serving.host}]` : config.serving.host;
    url = `http://${host}:${port}`;
    logger.info({ url, modelId: classifier.modelId }, 'listening');
  }
  if (!options.classifier && !options.loadClassifier) reportHugePages(logger);

  let closing: Promise<void> | undefined;
  const close = (closeOptions: { graceMs?: number } = {}) =>
    (closing ??= (async () => {
      const graceMs = closeOptions.graceMs ?? 0;
      ctx.lifecycle.draining = true;
      if (graceMs > 0) {
        logger.info({ graceMs }, 'shutting down: not ready, still serving for the grace period');
        await new Promise((resolve) => setTimeout(resolve, graceMs));
      }
      ctx.lifecycle.shuttingDown = true;
      logger.info('shutting down: draining requests');
      const timer = setTimeout(() => {
        logger.warn({ timeoutMs: config.serving.shutdownTimeoutMs }, 'shutdown timeout: closing remaining connections');
        app.server.closeAllConnections();
      }, config.serving.shutdownTimeoutMs);
      timer.unref();
      try {
        await app.close();
      } finally {
        clearTimeout(timer);
      }
      logger.info('stopped');
    })());
  return { url, app, context: ctx, close };
}

/**
 * Says at startup which labels run on `serving.defaultThreshold` (no value in the store, none in the model's
 * thresholds.json), so that an uncalibrated label is never a silent 0.5. Skipped when the store was not read yet
 * (readiness reports that).
 */
function logDefaultThresholds(ctx: AppContext, logger: FastifyBaseLogger): void {
  const stored = ctx.store.peekEffective(ctx.service.modelId);
  if (!stored) return;
  const labels = ctx.service.thresholdsInUse(stored).filter((t) => t.source === 'default').map((t) => t.label);
  if (labels.length > 0) {
    logger.warn(
      { modelId: ctx.service.modelId, labels, defaultThreshold: ctx.serving.defaultThreshold },
      'labels without a stored or calibrated threshold use serving.defaultThreshold',
    );
  }
}
