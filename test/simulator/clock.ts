/**
 * A simulated clock shared by the simulator and the client under test: `sleep` moves time forward
 * at once (after letting pending I/O run), so a wait for a rate-limit reset costs no real time.
 */
import type { Clock } from '../../src-worker/mastodon/clock';

export class SimulatedClock implements Clock {
  #now: number;
  /** Total simulated milliseconds slept. */
  slept = 0;

  constructor(startMs: number) {
    this.#now = startMs;
  }

  now(): number {
    return this.#now;
  }

  advance(ms: number): void {
    this.#now += Math.max(0, Math.round(ms));
  }

  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw signal.reason as Error;
    await new Promise((resolve) => setImmediate(resolve));
    if (signal?.aborted) throw signal.reason as Error;
    this.advance(ms);
    this.slept += Math.max(0, ms);
  }
}
