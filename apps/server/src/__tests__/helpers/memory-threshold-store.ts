import { MangaAssistError } from '@mangaassist/common';
import type { ChangeInfo, LabelThreshold, ThresholdAuditEntry, ThresholdMap, ThresholdStore } from '@mangaassist/thresholds';

interface Layers {
  recommended: number | null;
  override: number | null;
  overrideAuthor: string | null;
  overrideReason: string | null;
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

  async setRecommended(modelId: string, thresholds: ThresholdMap, change: ChangeInfo): Promise<void> {
    await this.check();
    for (const [label, value] of Object.entries(thresholds)) this.write(modelId, label, 'recommended', value, change);
  }

  async setOverride(modelId: string, label: string, value: number | null, change: ChangeInfo): Promise<void> {
    await this.check();
    if (value !== null && !(value > 0 && value < 1)) throw new RangeError(`override must be in (0, 1), got ${value}`);
    if (!change.author.trim() || !change.reason.trim()) throw new TypeError('change.author and change.reason must be non-empty');
    this.write(modelId, label, 'override', value, change);
  }

  async list(modelId: string): Promise<LabelThreshold[]> {
    await this.check();
    return [...(this.layers.get(modelId) ?? new Map<string, Layers>()).entries()].map(([label, l]) => ({
      label,
      ...l,
      effective: l.override ?? l.recommended,
    }));
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

  private write(modelId: string, label: string, layer: 'recommended' | 'override', value: number | null, change: ChangeInfo): void {
    const model = this.layers.get(modelId) ?? new Map<string, Layers>();
    this.layers.set(modelId, model);
    const at = new Date().toISOString();
    const current = model.get(label) ?? { recommended: null, override: null, overrideAuthor: null, overrideReason: null, updatedAt: at };
    const oldValue = current[layer];
    const next: Layers = { ...current, [layer]: value, updatedAt: at };
    if (layer === 'override') {
      next.overrideAuthor = value === null ? null : change.author;
      next.overrideReason = value === null ? null : change.reason;
    }
    model.set(label, next);
    this.log.push({ id: this.log.length + 1, modelId, label, layer, oldValue, newValue: value, author: change.author, reason: change.reason, at });
  }
}
