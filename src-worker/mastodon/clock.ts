/**
 * Time as the Mastodon client sees it. The app uses the system clock; tests and the sync benchmark
 * pass a simulated one, so waiting for a rate-limit window to reset takes no real time.
 */
export interface Clock {
  now(): number;
  /** Resolves after `ms` (rejects with the signal's reason if it aborts first). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason as Error);
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal!.reason as Error);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};
