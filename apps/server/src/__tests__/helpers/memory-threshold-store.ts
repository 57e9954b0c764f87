import { MangaAssistError } from '@mangaassist/common';
import {
  EXPIRY_AUTHOR,
  type ChangeInfo,
  type ChurnPhraseAuditEntry,
  type ChurnPhraseList,
  type LabelThreshold,
  type OverrideOptions,
  type ThresholdAuditEntry,
  type ThresholdMap,
  type ThresholdStore,
} from '@mangaassist/thresholds';

interface Layers {
  recommended: number | null;
  override: number | null;
  overrideAuthor: string | null;
  overrideReason: string | null;
  overrideExpiresAt: string | null;
  updatedAt: string;
}

/**
 * An in-memory threshold store for tests, with an outage switch: while `down` is true every call rejects with
 * `STORE_UNAVAILABLE`, as a real store does when its database is unreachable; `delayMs` makes every call that slow
 * (a store that is slow rather than down).
 */
export class MemoryThresholdStore implements ThresholdStore {
  down = false;
  delayMs = 0;
  calls = 0;
  private readonly layers = new Map<string, Map<string, Layers>>();
  private readonly log: ThresholdAuditEntry[] = [];
  private readonly phrases = new Map<string, ChurnPhraseList>();
  private readonly phraseLog: ChurnPhraseAuditEntry[] = [];

  async setRecommended(modelId: string, thresholds: ThresholdMap, change: ChangeInfo): Promise<void> {
    await this.check();
    for (const [label, value] of Object.entries(thresholds)) this.write(modelId, label, 'recommended', value, change);
  }

  async setOverride(modelId: string, label: string, value: number | null, change: ChangeInfo, options: OverrideOptions = {}): Promise<void> {
    await this.check();
    if (value !== null && !(value > 0 && value < 1)) throw new RangeError(`override must be in (0, 1), got ${value}`);
    if (!change.author.trim() || !change.reason.trim()) throw new TypeError('change.author and change.reason must be non-empty');
    if (options.expiresAt && options.expiresAt.getTime() <= Date.now()) throw new RangeError('options.expiresAt must be later than now');
    this.expire(modelId, label);
    this.write(modelId, label, 'override', value, change, value === null ? null : (options.expiresAt?.toISOString() ?? null));
  }

  /** Periodic expiry checks, counted apart from `calls` (which counts what requests and probes cause). */
  expiryChecks = 0;

  async expireOverrides(modelId: string): Promise<ThresholdAuditEntry[]> {
    this.expiryChecks += 1;
    this.calls -= 1;
    await this.check();
    return [...(this.layers.get(modelId)?.keys() ?? [])].flatMap((label) => this.expire(modelId, label) ?? []);
  }

  async getChurnPhrases(modelId: string): Promise<ChurnPhraseList | null> {
    await this.check();
    return this.phrases.get(modelId) ?? null;
  }

  async setChurnPhrases(modelId: string, phrases: readonly string[], change: ChangeInfo): Promise<void> {
    await this.check();
    const old = this.phrases.get(modelId)?.phrases ?? null;
    if (old && JSON.stringify(old) === JSON.stringify(phrases)) return;
    const at = new Date().toISOString();
    this.phrases.set(modelId, { phrases: [...phrases], author: change.author, reason: change.reason, updatedAt: at });
    this.phraseLog.push({ id: this.phraseLog.length + 1, modelId, oldPhrases: old, newPhrases: [...phrases], author: change.author, reason: change.reason, at });
  }

  async churnPhraseAudit(modelId: string, options: { limit?: number } = {}): Promise<ChurnPhraseAuditEntry[]> {
    await this.check();
    return this.phraseLog.filter((e) => e.modelId === modelId).reverse().slice(0, options.limit ?? 100);
  }

  async list(modelId: string): Promise<LabelThreshold[]> {
    await this.check();
    return [...(this.layers.get(modelId) ?? new Map<string, Layers>()).entries()].map(([label, stored]) => {
      const { overrideExpiresAt, ...l } = expired(stored) ? { ...stored, override: null, overrideAuthor: null, overrideReason: null, overrideExpiresAt: null } : stored;
      return { label, ...l, ...(overrideExpiresAt ? { overrideExpiresAt } : {}), effective: l.override ?? l.recommended };
    });
  }

  async getEffective(modelId: string): Promise<ThresholdMap> {
    const rows = await this.list(modelId);
    return Object.fromEntries(rows.filter((r) => r.effective !== null).map((r) => [r.label, r.effective as number]));
  }

  async audit(modelId: string, options: { limit?: number } = {}): Promise<ThresholdAuditEntry[]> {
    await this.check();
    return this.log.filter((e) => e.modelId === modelId).reverse().slice(0, options.limit ?? 100);
  }

  async ping(): Promise<void> {
    await this.check();
  }

  async close(): Promise<void> {}

  private async check(): Promise<void> {
    this.calls += 1;
    if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    if (this.down) throw new MangaAssistError('STORE_UNAVAILABLE', 'memory store is down (test outage)');
  }

  /** Clears the label's override when it has expired, with its audit row; returns that row. */
  private expire(modelId: string, label: string): ThresholdAuditEntry | undefined {
    const current = this.layers.get(modelId)?.get(label);
    if (!current || !expired(current)) return undefined;
    const reason = `temporary override expired at ${current.overrideExpiresAt} (was set by ${current.overrideAuthor}: ${current.overrideReason})`;
    return this.write(modelId, label, 'override', null, { author: EXPIRY_AUTHOR, reason });
  }

  private write(
    modelId: string,
    label: string,
    layer: 'recommended' | 'override',
    value: number | null,
    change: ChangeInfo,
    expiresAt: string | null = null,
  ): ThresholdAuditEntry {
    const model = this.layers.get(modelId) ?? new Map<string, Layers>();
    this.layers.set(modelId, model);
    const at = new Date().toISOString();
    const current = model.get(label) ?? { recommended: null, override: null, overrideAuthor: null, overrideReason: null, overrideExpiresAt: null, updatedAt: at };
    const oldValue = current[layer];
    const next: Layers = { ...current, [layer]: value, updatedAt: at };
    if (layer === 'override') {
      next.overrideAuthor = value === null ? null : change.author;
      next.overrideReason = value === null ? null : change.reason;
      next.overrideExpiresAt = expiresAt;
    }
    model.set(label, next);
    const entry: ThresholdAuditEntry = {
      id: this.log.length + 1,
      modelId,
      label,
      layer,
      oldValue,
      newValue: value,
      author: change.author,
      reason: change.reason,
      at,
      ...(expiresAt ? { expiresAt } : {}),
    };
    this.log.push(entry);
    return entry;
  }
}

function expired(layers: Layers): boolean {
  return layers.override !== null && layers.overrideExpiresAt !== null && Date.parse(layers.overrideExpiresAt) <= Date.now();
}
