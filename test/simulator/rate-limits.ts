/**
 * Mastodon's request throttles as rack-attack counts them: fixed windows aligned to the period,
 * a counter per key, and the response headers describing the throttle closest to running out.
 * The numbers are Mastodon's defaults (config/initializers/rack_attack.rb); tests tighten them.
 */

export interface Throttle {
  limit: number;
  periodMs: number;
}

export interface RateLimitConfig {
  /** All API requests of one access token. */
  perToken: Throttle;
  /** All API requests of one user, across their apps. */
  perUser: Throttle;
  /** Requests with max_id, min_id, since_id or page, per user, shared with their other apps. */
  paging: Throttle;
  /** Unreblog and status deletion, per user. */
  deletes: Throttle;
  /** Requests of one timeline (home, a list, a hashtag…), per user: Pleroma's and Akkoma's throttle. */
  perTimeline?: Throttle;
}

export const MASTODON_LIMITS: RateLimitConfig = {
  perToken: { limit: 300, periodMs: 5 * 60_000 },
  perUser: { limit: 1500, periodMs: 5 * 60_000 },
  paging: { limit: 300, periodMs: 15 * 60_000 },
  deletes: { limit: 30, periodMs: 30 * 60_000 },
};

export interface Verdict {
  allowed: boolean;
  headers: Record<string, string>;
  /** Which throttle refused the request, if one did. */
  throttle?: keyof RateLimitConfig;
}

export class RateLimiter {
  readonly #counts = new Map<string, number>();
  config: RateLimitConfig;

  constructor(config: RateLimitConfig = MASTODON_LIMITS) {
    this.config = config;
  }

  #window(throttle: Throttle, now: number): { index: number; resetMs: number } {
    const index = Math.floor(now / throttle.periodMs);
    return { index, resetMs: (index + 1) * throttle.periodMs };
  }

  #key(name: string, subject: string, throttle: Throttle, now: number): string {
    return `${name}:${subject}:${this.#window(throttle, now).index}`;
  }

  /** Uses up `n` requests of a user's paging budget, as their other apps would. */
  consumePaging(userId: string, n: number, now: number): void {
    const key = this.#key('paging', userId, this.config.paging, now);
    this.#counts.set(key, (this.#counts.get(key) ?? 0) + n);
  }

  /** Counts one request and says whether it may proceed, with the headers to send either way. */
  check(
    request: { token: string; userId: string; paging: boolean; deletion: boolean; timeline?: string },
    now: number,
  ): Verdict {
    const applicable: [keyof RateLimitConfig, string][] = [
      ['perToken', request.token],
      ['perUser', request.userId],
    ];
    if (request.paging) applicable.push(['paging', request.userId]);
    if (request.deletion) applicable.push(['deletes', request.userId]);
    if (request.timeline && this.config.perTimeline)
      applicable.push(['perTimeline', `${request.userId}:${request.timeline}`]);
    let closest:
      { name: keyof RateLimitConfig; remaining: number; limit: number; resetMs: number } | undefined;
    let refused: keyof RateLimitConfig | undefined;
    for (const [name, subject] of applicable) {
      const throttle = this.config[name]!;
      const key = this.#key(name, subject, throttle, now);
      const count = (this.#counts.get(key) ?? 0) + 1;
      this.#counts.set(key, count);
      if (count > throttle.limit && !refused) refused = name;
      const remaining = Math.max(0, throttle.limit - count);
      if (!closest || remaining < closest.remaining || refused === name)
        closest = { name, remaining, limit: throttle.limit, resetMs: this.#window(throttle, now).resetMs };
    }
    const c = closest!;
    return {
      allowed: refused === undefined,
      throttle: refused,
      headers: {
        'X-RateLimit-Limit': String(c.limit),
        'X-RateLimit-Remaining': String(c.remaining),
        'X-RateLimit-Reset': new Date(c.resetMs).toISOString(),
      },
    };
  }
}
