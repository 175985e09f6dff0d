/**
 * A clock whose time moves only when a test moves it: `sleep` waits until `advance` has passed its
 * deadline. For code that loops on timers (the account runner, polling) where a test must say
 * exactly how much time goes by.
 */
import type { Clock } from '../../src-worker/mastodon/clock';

export class ManualClock implements Clock {
  #now: number;
  readonly #sleepers = new Set<{ at: number; wake: () => void }>();

  constructor(startMs: number) {
    this.#now = startMs;
  }

  now(): number {
    return this.#now;
  }

  /** How many sleeps are waiting. */
  get sleeping(): number {
    return this.#sleepers.size;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason as Error);
    return new Promise((resolve, reject) => {
      const sleeper = {
        at: this.#now + Math.max(0, ms),
        wake: () => {
          this.#sleepers.delete(sleeper);
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        this.#sleepers.delete(sleeper);
        reject(signal!.reason as Error);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#sleepers.add(sleeper);
      if (ms <= 0) queueMicrotask(sleeper.wake);
    });
  }

  /** Moves time forward, waking every sleep whose deadline has come. */
  advance(ms: number): void {
    this.#now += Math.max(0, ms);
    for (const sleeper of [...this.#sleepers]) if (sleeper.at <= this.#now) sleeper.wake();
  }
}
