/**
 * HTTP to one Mastodon server for one access token: the rate budget is asked before every request,
 * 5xx answers, timeouts and cut-short bodies are retried with backoff, a 429 waits for the reset,
 * a 206 ("your feed is being regenerated") is passed up with its retry time, and a 401 means the
 * token no longer works. The token is never part of an error message or a log line.
 *
 * masto.js is not used: its requests go straight to the platform `fetch` with no hook before each
 * one, which the budget needs; its paginators do not expose the Link cursors that make paging
 * resumable across restarts; and it rewrites every key of every entity to camelCase, while Corgi
 * keeps Mastodon's JSON as sent and checks it with the schemas the simulator serves through.
 */
import type { Clock } from './clock';
import { parseLinkHeader } from './link-header';
import { RateBudget, type RequestKind } from './rate-budget';

export type MastodonErrorKind =
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'rejected'
  | 'rate_limited'
  | 'server'
  | 'network'
  | 'malformed';

export class MastodonError extends Error {
  constructor(
    readonly kind: MastodonErrorKind,
    message: string,
    readonly status: number | null = null,
    /** The request that failed, "GET /api/v2/filters", when there was one. */
    readonly request: string | null = null,
  ) {
    super(message);
    this.name = 'MastodonError';
  }
}

/** What the server (or the network) said, without the host the message begins with. */
export function whatWasSaid(error: MastodonError, host: string): string {
  return error.message.startsWith(`${host}: `) ? error.message.slice(host.length + 2) : error.message;
}

export interface MastodonResponse<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
  links: Map<string, string>;
  /** Seconds to wait before asking again, from a 206's Mastodon-Async-Refresh header. */
  retryAfterSeconds: number | null;
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** A path on the server (`/api/v1/…`) or a full URL from a Link header. */
  path: string;
  query?: Record<string, string | number | boolean | readonly string[] | undefined>;
  /** Sent as JSON. */
  body?: unknown;
  headers?: Record<string, string>;
  /** Interactive requests may use the reserve; paging ones count against the paging budget. */
  kind?: RequestKind;
  signal?: AbortSignal;
  /** Retries after network errors, timeouts and 5xx (default: the client's). */
  maxRetries?: number;
}

export interface HttpStats {
  requests: number;
  /** Requests that got an answer, of any status: the server is there. */
  answers: number;
  pagingRequests: number;
  limitHits: number;
  retries: number;
}

export interface MastodonHttpOptions {
  baseUrl: string;
  /** Asked for before each request, so a new token is used as soon as it is stored. */
  token: () => Promise<string | null>;
  clock: Clock;
  budget?: RateBudget;
  fetch?: typeof fetch;
  timeoutMs?: number;
  maxRetries?: number;
}

const PAGING_PARAMS = ['max_id', 'min_id', 'since_id', 'page'];

function backoffMs(attempt: number): number {
  return Math.min(60_000, 1000 * 2 ** attempt) * (0.75 + Math.random() * 0.5);
}

export class MastodonHttp {
  readonly baseUrl: string;
  readonly budget: RateBudget;
  readonly stats: HttpStats = { requests: 0, answers: 0, pagingRequests: 0, limitHits: 0, retries: 0 };
  readonly #options: MastodonHttpOptions;

  constructor(options: MastodonHttpOptions) {
    this.#options = options;
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.budget = options.budget ?? new RateBudget(options.clock);
  }

  #url(options: RequestOptions): URL {
    const url = new URL(options.path, `${this.baseUrl}/`);
    if (url.origin !== new URL(this.baseUrl).origin)
      throw new MastodonError('rejected', `refusing to send the token to another server (${url.origin})`);
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value === undefined) continue;
      if (Array.isArray(value)) for (const item of value) url.searchParams.append(`${key}[]`, String(item));
      else url.searchParams.set(key, String(value));
    }
    return url;
  }

  async request<T = unknown>(options: RequestOptions): Promise<MastodonResponse<T>> {
    const url = this.#url(options);
    const paging = PAGING_PARAMS.some((p) => url.searchParams.has(p));
    const kind: RequestKind = paging ? 'paging' : (options.kind ?? 'api');
    const { clock } = this.#options;
    const fetchImpl = this.#options.fetch ?? fetch;
    const maxRetries = options.maxRetries ?? this.#options.maxRetries ?? 5;
    let failures = 0;
    let refusals = 0;
    for (;;) {
      await this.budget.acquire(kind, options.signal);
      const token = await this.#options.token();
      if (!token) throw new MastodonError('unauthorized', 'This account needs to sign in again.');
      const timeout = AbortSignal.timeout(this.#options.timeoutMs ?? 30_000);
      const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
      const headers: Record<string, string> = {
        Authorization: `Bearer ${token}`,
        Accept: 'application/json',
      };
      if (options.body !== undefined) headers['Content-Type'] = 'application/json';
      this.stats.requests++;
      if (paging) this.stats.pagingRequests++;
      let response: Response;
      let text: string;
      try {
        response = await fetchImpl(url, {
          method: options.method ?? 'GET',
          headers: { ...headers, ...options.headers },
          body: options.body === undefined ? undefined : JSON.stringify(options.body),
          signal,
        });
        text = await response.text();
      } catch (error) {
        if (options.signal?.aborted) throw options.signal.reason as Error;
        if (++failures > maxRetries)
          throw new MastodonError('network', `${url.host} did not answer (${(error as Error).name}).`);
        this.stats.retries++;
        await clock.sleep(backoffMs(failures), options.signal);
        continue;
      }
      this.stats.answers++;
      this.budget.observe(kind, response.headers, response.status === 429);
      if (response.status === 429) {
        this.stats.limitHits++;
        if (++refusals > 10)
          throw new MastodonError('rate_limited', `${url.host} keeps refusing: rate limited.`, 429);
        continue;
      }
      const request = `${options.method ?? 'GET'} ${url.pathname}`;
      // 501 Not Implemented is how some servers (Friendica) say an endpoint does not exist: asking
      // again will not change it.
      if (response.status >= 500 && response.status !== 501) {
        if (++failures > maxRetries)
          throw new MastodonError(
            'server',
            `${url.host} answered ${response.status}.`,
            response.status,
            request,
          );
        this.stats.retries++;
        await clock.sleep(backoffMs(failures), options.signal);
        continue;
      }
      let body: unknown;
      try {
        body = text === '' ? null : JSON.parse(text);
      } catch {
        // An error page in place of JSON still says what the status says, except that a proxy's or
        // firewall's 401 or 403 page says nothing of the token.
        if (!response.ok) throw errorFor(response.status, null, url.host, request, { authoritative: false });
        // A body cut short is worth asking for again; a page of HTML (a login page, a proxy's
        // error page) answered in place of JSON is not.
        const html = /html/i.test(response.headers.get('content-type') ?? '');
        if (response.ok && !html && ++failures <= maxRetries) {
          this.stats.retries++;
          await clock.sleep(backoffMs(failures), options.signal);
          continue;
        }
        throw new MastodonError(
          'malformed',
          `${url.host} sent a body that is not JSON.`,
          response.status,
          request,
        );
      }
      if (!response.ok) throw errorFor(response.status, body, url.host, request);
      return {
        status: response.status,
        body: body as T,
        headers: response.headers,
        links: parseLinkHeader(response.headers.get('link')),
        retryAfterSeconds: response.status === 206 ? asyncRefreshRetry(response.headers) : null,
      };
    }
  }
}

function errorFor(
  status: number,
  body: unknown,
  host: string,
  request: string,
  { authoritative = true } = {},
): MastodonError {
  const error = (body as { error?: unknown } | null)?.error;
  // Servers put the reason in `error` as a string, or (Misskey's relatives) as an object.
  const said =
    typeof error === 'string'
      ? error.slice(0, 500)
      : typeof (error as { message?: unknown } | null)?.message === 'string'
        ? (error as { message: string }).message.slice(0, 500)
        : `HTTP ${status}`;
  const kind: MastodonErrorKind =
    status === 401 && authoritative
      ? 'unauthorized'
      : status === 403 && authoritative
        ? 'forbidden'
        : status === 404
          ? 'not_found'
          : 'rejected';
  return new MastodonError(kind, `${host}: ${said}`, status, request);
}

/** `Mastodon-Async-Refresh: id="…", retry=5, result_count=0` → 5; a bare 206 waits 5 s. */
function asyncRefreshRetry(headers: Headers): number {
  const match = /retry=(\d+)/.exec(headers.get('mastodon-async-refresh') ?? '');
  return match ? Math.max(1, Number(match[1])) : 5;
}
