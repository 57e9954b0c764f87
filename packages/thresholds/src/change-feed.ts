import type { ThresholdChangeNotice, ThresholdWatch } from './threshold-store';

/** The connection side of a {@link ChangeFeed}: subscribes, reports notices, and is told to stop. */
export interface ChangeSubscription {
  /** Stops listening and releases the connection. */
  stop(): Promise<void>;
}

/**
 * Fans the change notices of one shared store out to its watchers over a single subscription connection, opened
 * when the first watcher arrives and closed with the last one (or the store). The store says how to subscribe.
 */
export class ChangeFeed {
  private readonly listeners = new Set<(notice: ThresholdChangeNotice) => void>();
  private subscription: ChangeSubscription | undefined;
  private closed = false;

  constructor(private readonly subscribe: (emit: (notice: ThresholdChangeNotice) => void) => ChangeSubscription) {}

  /** Adds a watcher; the returned handle removes it. */
  watch(listener: (notice: ThresholdChangeNotice) => void): ThresholdWatch {
    if (this.closed) return { close: async () => undefined };
    this.listeners.add(listener);
    this.subscription ??= this.subscribe((notice) => {
      for (const each of this.listeners) {
        try {
          each(notice);
        } catch {
          // One failing watcher must not keep the notice from the others.
        }
      }
    });
    return {
      close: async () => {
        this.listeners.delete(listener);
        if (this.listeners.size === 0) await this.stop();
      },
    };
  }

  /** Ends every watch (the store is closing). */
  async close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
    await this.stop();
  }

  private async stop(): Promise<void> {
    const subscription = this.subscription;
    this.subscription = undefined;
    await subscription?.stop();
  }
}

/** Delay before the next reconnect of a subscription: 200 ms doubling to 2 s. */
export function reconnectDelayMs(attempt: number): number {
  return Math.min(2000, 200 * 2 ** Math.max(0, attempt - 1));
}
