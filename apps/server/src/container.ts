import 'reflect-metadata';
import type { ServerConfig, ServingConfig } from '@mangaassist/common';
import {
  ClassificationService,
  createEscalationPolicy,
  createEscalationPolicyRegistry,
  InMemoryConversationMemory,
  JsonlFeedbackLog,
  RedisConversationMemory,
  type ConversationMemory,
  type FeedbackLog,
  type TextClassifier,
} from '@mangaassist/serving';
import { createThresholdStoreRegistry } from '@mangaassist/thresholds';
import type { FastifyBaseLogger } from 'fastify';
import { container, instanceCachingFactory, type DependencyContainer } from 'tsyringe';
import type { AppContext, ServerThresholdStore } from './app-context';
import { loadClassifier } from './classifier-loader';
import { RecentEscalationTexts } from './escalation-texts';
import { FeedbackVerdicts } from './feedback-verdicts';
import { OpenApiRegistry } from './openapi';
import { RecentEscalations } from './recent-escalations';
import { ServerMetrics } from './server-metrics';
import { openSharedFeedback } from './shared-feedback/open-shared-feedback';
import { SharedEscalations } from './shared-feedback/shared-feedback-store';
import {
  APP_CONTEXT,
  CLASSIFICATION_SERVICE,
  CLASSIFIER,
  CLASSIFIER_LOADER,
  CONVERSATION_MEMORY,
  ESCALATION_POLICIES,
  ESCALATION_TEXTS,
  FEEDBACK_LOG,
  FEEDBACK_VERDICTS,
  LIFECYCLE,
  LOGGER,
  METRICS,
  OPENAPI,
  RECENT_ESCALATIONS,
  SERVER_CONFIG,
  SHARED_FEEDBACK,
  THRESHOLD_STORE,
  THRESHOLD_STORES,
} from './tokens';

/** What a caller supplies, or what is built before the app is composed (it needs I/O). */
export interface ContainerParts {
  readonly logger: FastifyBaseLogger;
  /** The loaded classifier; `startServer` registers it (under `CLASSIFIER`) once `CLASSIFIER_LOADER` has loaded it. */
  readonly classifier?: TextClassifier;
  /** The store behind its cache; `startServer` registers it once opened from `THRESHOLD_STORES`. */
  readonly store?: ServerThresholdStore;
  /** Default: the shared threshold store's database (see `serving.feedback.shared`), else `serving.feedback.path`. */
  readonly feedback?: FeedbackLog;
  /** Default: ONNX Runtime on `serving.modelDir` ({@link loadClassifier}). */
  readonly loadClassifier?: typeof loadClassifier;
}

/**
 * The server's composition root: registers every service of the app in a child of tsyringe's global container
 * (so tests and embedders can override any token without touching the global one). Services are singletons
 * within the returned container. The classifier loader (ONNX Runtime) and the threshold store registry (where the
 * config's `plugins` packages add stores) are resolved by `startServer` to build the classifier and the store;
 * `APP_CONTEXT` needs both registered.
 *
 * @example
 * ```ts
 * const c = createContainer(config, { classifier, store, logger });
 * const ctx = c.resolve(APP_CONTEXT);
 * ```
 */
export function createContainer(config: ServerConfig, parts: ContainerParts): DependencyContainer {
  const c = container.createChildContainer();
  const { serving } = config;
  c.register(SERVER_CONFIG, { useValue: config });
  c.register(LOGGER, { useValue: parts.logger });
  c.register(CLASSIFIER_LOADER, { useValue: parts.loadClassifier ?? loadClassifier });
  c.register(THRESHOLD_STORES, { useFactory: instanceCachingFactory(() => createThresholdStoreRegistry()) });
  c.register(ESCALATION_POLICIES, { useFactory: instanceCachingFactory(() => createEscalationPolicyRegistry()) });
  c.register(CONVERSATION_MEMORY, { useFactory: instanceCachingFactory(() => openConversationMemory(serving.escalation.conversations)) });
  if (parts.classifier) c.register(CLASSIFIER, { useValue: parts.classifier });
  if (parts.store) c.register(THRESHOLD_STORE, { useValue: parts.store });
  // A caller's feedback log replaces the shared store for feedback and escalations alike.
  c.register(SHARED_FEEDBACK, { useFactory: instanceCachingFactory(() => (parts.feedback ? null : (openSharedFeedback(config) ?? null))) });
  c.register(FEEDBACK_LOG, {
    useFactory: instanceCachingFactory((r) => parts.feedback ?? r.resolve(SHARED_FEEDBACK) ?? new JsonlFeedbackLog(serving.feedback.path)),
  });
  c.register(FEEDBACK_VERDICTS, {
    useFactory: instanceCachingFactory((r) => {
      const shared = parts.feedback ? null : r.resolve(SHARED_FEEDBACK);
      // A shared store is read back by change, so that each replica's report sees every replica's verdicts.
      return new FeedbackVerdicts(r.resolve(FEEDBACK_LOG), shared ?? undefined);
    }),
  });
  c.register(ESCALATION_TEXTS, { useFactory: instanceCachingFactory(() => new RecentEscalationTexts(serving.feedback.recentTexts)) });
  c.register(METRICS, { useFactory: instanceCachingFactory(() => new ServerMetrics()) });
  c.register(RECENT_ESCALATIONS, {
    useFactory: instanceCachingFactory((r) => {
      const local = new RecentEscalations(serving.feedback.recentEscalations);
      const shared = r.resolve(SHARED_FEEDBACK);
      return shared ? new SharedEscalations(local, shared) : local;
    }),
  });
  c.register(OPENAPI, { useFactory: instanceCachingFactory(() => new OpenApiRegistry('MangaAssist Sentiment', '0.1.0')) });
  c.register(LIFECYCLE, { useValue: { draining: false, shuttingDown: false } });
  c.register(CLASSIFICATION_SERVICE, {
    useFactory: instanceCachingFactory((r) => {
      const metrics = r.resolve(METRICS);
      const classifier = r.resolve(CLASSIFIER);
      const policy = createEscalationPolicy(r.resolve(ESCALATION_POLICIES), serving.escalation.policy, classifier.labels);
      const logger = r.resolve(LOGGER);
      return new ClassificationService({
        classifier,
        policy,
        // Only a policy that reads conversations gets (and opens) the memory.
        ...(policy.usesConversation ? { conversations: r.resolve(CONVERSATION_MEMORY) } : {}),
        onConversationError: (err, conversationId) =>
          logger.warn({ err, conversationId }, 'conversation memory failed: deciding on the message alone'),
        thresholds: r.resolve(THRESHOLD_STORE),
        // Operators edit the churn phrases in the store; each call reads them through its cache like thresholds.
        churnPhrases: r.resolve(THRESHOLD_STORE),
        onChurnPhraseError: throttled(CHURN_PHRASE_WARNING_MS, (err: unknown) =>
          logger.warn({ err }, 'churn phrases unreadable: using the last list read (or the configured one)'),
        ),
        // One batch per worker can run at once; on the main thread, one.
        batching: { ...serving.batching, maxInFlight: Math.max(1, serving.workers) },
        churnRule: serving.churnRule,
        defaultThreshold: serving.defaultThreshold,
        timeoutMs: serving.requestTimeoutMs,
        explain: serving.explain,
        observer: {
          onBatch: (size, ms) => {
            metrics.batchSize.observe(size);
            metrics.batchDuration.observe(ms / 1000);
          },
          onQueueDepth: (depth) => metrics.recordQueueDepth(depth),
        },
      });
    }),
  });
  c.register(APP_CONTEXT, {
    useFactory: instanceCachingFactory(
      (r): AppContext => ({
        serving,
        service: r.resolve(CLASSIFICATION_SERVICE),
        store: r.resolve(THRESHOLD_STORE),
        feedback: r.resolve(FEEDBACK_LOG),
        verdicts: r.resolve(FEEDBACK_VERDICTS),
        escalationTexts: r.resolve(ESCALATION_TEXTS),
        metrics: r.resolve(METRICS),
        escalations: r.resolve(RECENT_ESCALATIONS),
        docs: r.resolve(OPENAPI),
        lifecycle: r.resolve(LIFECYCLE),
      }),
    ),
  });
  return c;
}

/** A store outage makes every classification fail to read the phrases: say so at most this often. */
const CHURN_PHRASE_WARNING_MS = 10_000;

/** `report`, called at most once per `intervalMs` (later calls within it are dropped). */
function throttled<A extends unknown[]>(intervalMs: number, report: (...args: A) => void): (...args: A) => void {
  let last = Number.NEGATIVE_INFINITY;
  return (...args) => {
    const now = Date.now();
    if (now - last < intervalMs) return;
    last = now;
    report(...args);
  };
}

/**
 * The conversation memory `serving.escalation.conversations` describes: in process, or in Redis (shared by the
 * replicas) when `store` is `redis`.
 *
 * @example
 * ```ts
 * const memory = openConversationMemory(config.serving.escalation.conversations);
 * ```
 */
export function openConversationMemory(config: ServingConfig['escalation']['conversations']): ConversationMemory {
  const limits = { maxConversations: config.maxConversations, maxTurns: config.maxTurns, ttlMs: config.ttlMs };
  if (config.store === 'redis' && config.redis) return new RedisConversationMemory({ ...limits, ...config.redis });
  return new InMemoryConversationMemory(limits);
}
