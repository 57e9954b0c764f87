import type { ServerConfig } from '@mangaassist/common';
import type { ClassificationService, ConversationMemory, EscalationPolicyRegistry, FeedbackLog, TextClassifier } from '@mangaassist/serving';
import type { ThresholdStoreRegistry } from '@mangaassist/thresholds';
import type { FastifyBaseLogger } from 'fastify';
import type { InjectionToken } from 'tsyringe';
import type { AppContext, Lifecycle, ServerThresholdStore } from './app-context';
import type { loadClassifier } from './classifier-loader';
import type { RecentEscalationTexts } from './escalation-texts';
import type { FeedbackVerdicts } from './feedback-verdicts';
import type { OpenApiRegistry } from './openapi';
import type { EscalationRegistry } from './recent-escalations';
import type { SharedFeedbackStore } from './shared-feedback/shared-feedback-store';
import type { ServerMetrics } from './server-metrics';

// Interfaces are erased at run time, so the container keys them by these tokens.

/** The validated server configuration. */
export const SERVER_CONFIG: InjectionToken<ServerConfig> = Symbol('ServerConfig');
/** The structured logger (pino). */
export const LOGGER: InjectionToken<FastifyBaseLogger> = Symbol('Logger');
/** Loads the classifier `serving` describes (ONNX Runtime on `serving.modelDir`; tests replace it). */
export const CLASSIFIER_LOADER: InjectionToken<typeof loadClassifier> = Symbol('ClassifierLoader');
/** The threshold stores `thresholds.store.id` selects: the built-ins and those of the config's `plugins` packages. */
export const THRESHOLD_STORES: InjectionToken<ThresholdStoreRegistry> = Symbol('ThresholdStoreRegistry');
/** The escalation policies `serving.escalation.policy.id` selects: the built-ins and those of the config's `plugins` packages. */
export const ESCALATION_POLICIES: InjectionToken<EscalationPolicyRegistry> = Symbol('EscalationPolicyRegistry');
/** Recent turns of conversations, for the policies that read them (`serving.escalation.conversations`). */
export const CONVERSATION_MEMORY: InjectionToken<ConversationMemory> = Symbol('ConversationMemory');
/** The loaded classifier. */
export const CLASSIFIER: InjectionToken<TextClassifier> = Symbol('TextClassifier');
/** The threshold store behind its TTL cache. */
export const THRESHOLD_STORE: InjectionToken<ServerThresholdStore> = Symbol('ThresholdStore');
/** Where agents' feedback is appended. */
export const FEEDBACK_LOG: InjectionToken<FeedbackLog> = Symbol('FeedbackLog');
/** The agents' verdicts and the running feedback report over them. */
export const FEEDBACK_VERDICTS: InjectionToken<FeedbackVerdicts> = Symbol('FeedbackVerdicts');
/** The message text of this replica's latest escalations, for the console's verdicts panel (memory only). */
export const ESCALATION_TEXTS: InjectionToken<RecentEscalationTexts> = Symbol('EscalationTexts');
/** Prometheus metrics of this server. */
export const METRICS: InjectionToken<ServerMetrics> = Symbol('ServerMetrics');
/** Recent escalations, for feedback by id (in memory, or shared by every replica). */
export const RECENT_ESCALATIONS: InjectionToken<EscalationRegistry> = Symbol('RecentEscalations');
/** Feedback and escalations in the shared threshold store's database, or null on one machine. */
export const SHARED_FEEDBACK: InjectionToken<SharedFeedbackStore | null> = Symbol('SharedFeedbackStore');
/** Route documentation, rendered at /openapi.json. */
export const OPENAPI: InjectionToken<OpenApiRegistry> = Symbol('OpenApiRegistry');
/** Micro-batched classification with escalation decisions. */
export const CLASSIFICATION_SERVICE: InjectionToken<ClassificationService> = Symbol('ClassificationService');
/** Shutdown flag shared by readiness and the shutdown path. */
export const LIFECYCLE: InjectionToken<Lifecycle> = Symbol('Lifecycle');
/** Everything the routes need. */
export const APP_CONTEXT: InjectionToken<AppContext> = Symbol('AppContext');
