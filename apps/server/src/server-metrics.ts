import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { LiveCounters } from './live-counters';

/**
 * The service's Prometheus metrics, in a registry of its own (two servers in one process, as in tests, do not
 * share counters):
 *
 * - `http_requests_total{route,method,status}` and `http_request_duration_seconds{route,method,status}`;
 *   `route` is the route pattern (`/v1/classify`), or `unmatched` for 404s, so URLs cannot explode the series;
 * - `classify_texts_total`, `classify_batch_size` (texts per inference), `classify_batch_duration_seconds`,
 *   `classify_queue_depth` (texts waiting);
 * - `escalations_total{label}` per escalation label active in an escalation, and `escalations_by_priority_total`;
 * - `threshold_store_degraded` (1 while serving last-known-good thresholds);
 * - Node.js process metrics (`process_*`, `nodejs_*`).
 *
 * The record methods ({@link recordRequest}, {@link recordEscalation}, {@link recordClassified},
 * {@link recordQueueDepth}) feed both these metrics and {@link live}, the per-minute counters the operations
 * console's live view reads, so the page and `/metrics` count the same events.
 *
 * @example
 * ```ts
 * const metrics = new ServerMetrics();
 * metrics.batchSize.observe(8);
 * const text = await metrics.registry.metrics();
 * ```
 */
export class ServerMetrics {
  readonly registry = new Registry();
  readonly requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests by route pattern, method and status code.',
    labelNames: ['route', 'method', 'status'] as const,
    registers: [this.registry],
  });
  readonly requestDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency by route pattern, method and status code.',
    labelNames: ['route', 'method', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly texts = new Counter({ name: 'classify_texts_total', help: 'Texts classified.', registers: [this.registry] });
  readonly batchSize = new Histogram({
    name: 'classify_batch_size',
    help: 'Texts per inference call (micro-batch size).',
    buckets: [1, 2, 4, 8, 16, 32, 64, 128],
    registers: [this.registry],
  });
  readonly batchDuration = new Histogram({
    name: 'classify_batch_duration_seconds',
    help: 'Duration of one inference call.',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [this.registry],
  });
  readonly queueDepth = new Gauge({ name: 'classify_queue_depth', help: 'Texts waiting for inference.', registers: [this.registry] });
  readonly escalations = new Counter({
    name: 'escalations_total',
    help: 'Escalations, counted once per escalation label (frustration, churn_risk) active in them.',
    labelNames: ['label'] as const,
    registers: [this.registry],
  });
  readonly escalationsByPriority = new Counter({
    name: 'escalations_by_priority_total',
    help: 'Escalations by priority (high: frustration and churn risk together).',
    labelNames: ['priority'] as const,
    registers: [this.registry],
  });
  readonly modelAvailable = new Gauge({
    name: 'model_available',
    help: '1 while an inference can run; 0 while every inference worker is down (restarting).',
    registers: [this.registry],
  });
  readonly storeDegraded = new Gauge({
    name: 'threshold_store_degraded',
    help: '1 while the threshold store is unreachable and last-known-good thresholds are served.',
    registers: [this.registry],
  });

  /** Per-minute counters over the last three hours, for the console's live view. */
  readonly live: LiveCounters;

  /** @param live - the per-minute counters (tests pass one with their own clock) */
  constructor(live: LiveCounters = new LiveCounters()) {
    this.live = live;
    collectDefaultMetrics({ register: this.registry });
  }

  /** A request answered; classify requests also give the live view its latency. */
  recordRequest(labels: { route: string; method: string; status: string }, seconds: number): void {
    this.requests.inc(labels);
    this.requestDuration.observe(labels, seconds);
    this.live.request(Number(labels.status), labels.route === '/v1/classify' ? seconds * 1000 : undefined);
  }

  /** An escalation: its priority, and each escalation label active in it. */
  recordEscalation(escalationLabels: readonly string[], priority: string): void {
    this.escalationsByPriority.inc({ priority });
    for (const label of escalationLabels) this.escalations.inc({ label });
    this.live.escalation(escalationLabels, priority);
  }

  /** Texts classified, with the labels active on each (the live view's active-label mix). */
  recordClassified(activePerText: readonly (readonly string[])[]): void {
    this.texts.inc(activePerText.length);
    for (const active of activePerText) this.live.classified(active);
  }

  /** Texts waiting for inference now. */
  recordQueueDepth(depth: number): void {
    this.queueDepth.set(depth);
    this.live.queueDepth(depth);
  }
}
