/**
 * Spends a Mastodon server's request budget without ever running into its limits.
 *
 * Every response carries X-RateLimit-Limit, -Remaining and -Reset (an ISO time) for the throttle
 * closest to running out among those the request counted against. Corgi keeps two views of them:
 * `api` (all requests of the token) and `paging` (requests with max_id, min_id, since_id: a
 * per-user budget shared with the person's other apps). Before each request it checks the views
 * that apply, counting its own requests in between, and waits for the reset rather than send one
 * that the last headers say would be refused. Background work also leaves headroom: it stops at a
 * reserve of each budget (the person's other apps and Corgi's own interactive requests use it), and
 * paces itself through the second half of a window instead of spending it in a burst.
 */
import type { Clock } from './clock';

export type RequestKind = 'api' | 'paging' | 'interactive';

interface Window {
  limit: number;
  remaining: number;
  resetMs: number;
}

export interface BudgetOptions {
  /** Share of the paging budget left to the person's other apps (default 0.25). */
  pagingHeadroom?: number;
  /** Share of the token's budget kept for interactive requests (default 0.1). */
  apiReserve?: number;
  /** Added after a reset before spending again, for clock differences (default 1 s). */
  resetMarginMs?: number;
}

/** A wait this long is a pause the person is told of, not pacing. */
const PAUSE_MS = 10_000;

export class RateBudget {
  readonly #windows: { api?: Window; paging?: Window } = {};
  readonly #pagingHeadroom: number;
  readonly #apiReserve: number;
  readonly #margin: number;
  /** Simulated or real milliseconds spent waiting on the budget. */
  waitedMs = 0;
  /** 429s in a row that came without rate-limit headers. */
  #blindRefusals = 0;

  constructor(
    private readonly clock: Clock,
    options: BudgetOptions = {},
  ) {
    this.#pagingHeadroom = options.pagingHeadroom ?? 0.25;
    this.#apiReserve = options.apiReserve ?? 0.1;
    this.#margin = options.resetMarginMs ?? 1000;
  }

  #live(name: 'api' | 'paging'): Window | undefined {
    const window = this.#windows[name];
    if (window && this.clock.now() >= window.resetMs + this.#margin) {
      // A new window: full again until the next response says otherwise.
      window.remaining = window.limit;
      window.resetMs = Number.POSITIVE_INFINITY;
    }
    return window;
  }

  /** How long to wait before a request of this kind may be sent; 0 when it may go now. */
  delayFor(kind: RequestKind): number {
    const now = this.clock.now();
    let delay = 0;
    const check = (name: 'api' | 'paging', reserveShare: number, pace: boolean) => {
      const window = this.#live(name);
      if (!window) return;
      const reserve = Math.ceil(window.limit * reserveShare);
      const usable = window.remaining - reserve;
      const untilReset = Math.max(0, window.resetMs + this.#margin - now);
      if (usable <= 0) {
        delay = Math.max(delay, Number.isFinite(untilReset) ? untilReset : 0);
        return;
      }
      // Through the second half of a window, spread what is left evenly until the reset.
      if (pace && Number.isFinite(untilReset) && window.remaining < window.limit / 2)
        delay = Math.max(delay, Math.floor(untilReset / (usable + 1)));
    };
    const background = kind !== 'interactive';
    check('api', background ? this.#apiReserve : 0, background);
    if (kind === 'paging') check('paging', this.#pagingHeadroom, true);
    return delay;
  }

  /**
   * Told when requests stop for a while because the server's limit is spent (when they go again),
   * and when they go again (null): for the person to see why nothing new comes.
   */
  onPause: ((until: number | null) => void) | null = null;
  #pausedUntil: number | null = null;

  /** When requests go again, while a spent limit holds them back; null when they go now. */
  get pausedUntil(): number | null {
    return this.#pausedUntil;
  }

  /** Waits until a request of this kind may be sent, then counts it. */
  async acquire(kind: RequestKind, signal?: AbortSignal): Promise<void> {
    for (let delay = this.delayFor(kind); delay > 0; delay = this.delayFor(kind)) {
      if (delay >= PAUSE_MS) this.#pause(this.clock.now() + delay);
      await this.clock.sleep(delay, signal);
      this.waitedMs += delay;
    }
    if (this.#pausedUntil !== null) this.#pause(null);
    const api = this.#live('api');
    if (api) api.remaining = Math.max(0, api.remaining - 1);
    if (kind === 'paging') {
      const paging = this.#live('paging');
      if (paging) paging.remaining = Math.max(0, paging.remaining - 1);
    }
  }

  #pause(until: number | null): void {
    if (until === this.#pausedUntil) return;
    this.#pausedUntil = until;
    this.onPause?.(until);
  }

  /** Takes in a response's rate-limit headers (a 429 included). */
  observe(kind: RequestKind, headers: Headers, refused = false): void {
    const limit = Number(headers.get('x-ratelimit-limit'));
    const remaining = Number(headers.get('x-ratelimit-remaining'));
    const resetMs = resetTime(headers.get('x-ratelimit-reset'), headers.get('retry-after'), this.clock.now());
    if (!Number.isFinite(limit) || limit <= 0 || !Number.isFinite(remaining) || Number.isNaN(resetMs)) {
      if (refused) {
        // A 429 without usable headers (Pleroma and Akkoma send none, and throttle in windows of
        // half a second): wait as long as Retry-After says, or else a second, doubling with each
        // refusal in a row up to a minute, on what it most likely hit.
        const blind = Math.min(60_000, 1000 * 2 ** this.#blindRefusals++);
        const until = Number.isNaN(resetMs) ? this.clock.now() + blind : resetMs;
        const window = { limit: 1, remaining: 0, resetMs: until };
        this.#windows[kind === 'paging' ? 'paging' : 'api'] = window;
      } else this.#blindRefusals = 0;
      return;
    }
    this.#blindRefusals = 0;
    const window: Window = { limit, remaining: refused ? 0 : remaining, resetMs };
    // A paging request's headers describe the tighter of the two; others describe the token's.
    this.#windows[kind === 'paging' ? 'paging' : 'api'] = window;
  }
}

/**
 * When a rate-limit window resets. Mastodon sends an ISO 8601 time; other servers send seconds
 * since the epoch, milliseconds, or seconds from now; a 429 may carry Retry-After instead.
 */
export function resetTime(reset: string | null, retryAfter: string | null, now: number): number {
  const value = (reset ?? '').trim();
  if (/^\d+(\.\d+)?$/.test(value)) {
    const n = Number(value);
    if (n > 1e12) return n;
    if (n > 1e9) return n * 1000;
    return now + n * 1000;
  }
  const parsed = Date.parse(value);
  if (!Number.isNaN(parsed)) return parsed;
  const after = (retryAfter ?? '').trim();
  if (/^\d+$/.test(after)) return now + Number(after) * 1000;
  return Date.parse(after);
}
