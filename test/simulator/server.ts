/**
 * A Mastodon instance over real HTTP and WebSocket, serving a simulated World: sign-in (OAuth with
 * PKCE and state), timelines with Link pagination and Mastodon's id semantics, favourites and
 * bookmarks with their own cursors, notifications (v1 and grouped v2), lists, followed tags,
 * relationships, mutes and blocks, filters v2 and v1, markers, trends, the status actions,
 * streaming on a separate port, Mastodon's rate limits and headers, NodeInfo, and faults a test can
 * switch on.
 *
 * It can also be another kind of server (`flavours/`): older Mastodon, GoToSocial, Akkoma, each
 * with its own fields, ids, missing endpoints, sign-in, throttles and stream.
 *
 * Everything it renders is first checked, in Mastodon's shape, against the schemas Corgi parses
 * with (src-shared/mastodon), with nothing left out: a response the client could not read fails
 * here, loudly, instead of passing a test by accident. A flavour then reshapes it.
 */
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import cors from '@fastify/cors';
import formbody from '@fastify/formbody';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { WebSocketServer, type WebSocket } from 'ws';
import { z } from 'zod';
import * as schemas from '../../src-shared/mastodon/entities';
import { FLAVOURS, type Flavour } from './flavours';
import type { BodyKind } from './flavours/flavour';
import { encodeIds } from './flavours/ids';
import type { Clock } from '../../src-worker/mastodon/clock';
import { MASTODON_LIMITS, RateLimiter, type RateLimitConfig } from './rate-limits';
import { compareIds, type SimStatus, type SimUser, type World } from './world';

type Json = Record<string, unknown>;
type Query = Record<string, string | string[] | undefined>;

export interface SimulatorOptions {
  world: World;
  clock: Clock;
  /** The instance's domain in the world; defaults to the world's first. */
  domain?: string;
  /** The kind of server to be; current Mastodon by default. */
  flavour?: Flavour;
  limits?: RateLimitConfig;
  /** Simulated time each API request takes, when the clock can be moved (a SimulatedClock). */
  responseMs?: number;
  /**
   * The demo's shortcut: this user is taken as logged in and approving, so the authorize page
   * sends the browser straight back with a code (every other check still applies).
   */
  autoApprove?: string;
}

interface App {
  clientId: string;
  clientSecret: string;
  name: string;
  redirectUris: string[];
  scopes: string[];
}

interface Grant {
  code: string;
  clientId: string;
  userId: string;
  redirectUri: string;
  scopes: string[];
  challenge: string | null;
  expiresMs: number;
}

interface Token {
  token: string;
  clientId: string;
  userId: string;
  scopes: string[];
  revoked: boolean;
}

/** Switches a test turns on; counts reset with `reset()`. */
export class Faults {
  /** Real milliseconds added before every API response. */
  latencyMs = 0;
  /** The next n API requests answer 503. */
  serverErrors = 0;
  /** The next n API requests never answer (the client must time out). */
  hangs = 0;
  /** The next n JSON responses are cut short. */
  malformedBodies = 0;
  /** The streaming server refuses new connections. */
  streamingDown = false;
  /** The next n marker saves answer 409, as when another app saves at the same moment. */
  markerConflicts = 0;
  /** Every API connection is reset before an answer: the network is down. */
  offline = false;
  /** Requests ("POST /api/v1/statuses") carried out once each, but whose answer is lost on the way back. */
  lostAnswers: string[] = [];
  /** Routes ("GET /api/v1/mutes") that answer with this status until the fault is removed. */
  failing = new Map<string, number>();
  /** Routes that answer with this status and an HTML page, as a proxy or firewall in front does. */
  failingPages = new Map<string, number>();
  /** Every API request answers with this status (a server that answers, and refuses everything). */
  refuseAll: number | null = null;
}

export interface SimulatorStats {
  /** Events sent on streaming sockets. */
  streamed: number;
  requests: number;
  pagingRequests: number;
  limitHits: number;
  byPath: Map<string, number>;
}

const PAGING_PARAMS = ['max_id', 'min_id', 'since_id', 'page'];

function one(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function many(query: Query, name: string): string[] {
  const value = query[`${name}[]`] ?? query[name];
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

function s256(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Mastodon accepts a loopback IP redirect on any port when the registered one is on loopback. */
function redirectMatches(registered: string[], requested: string): boolean {
  if (registered.includes(requested)) return true;
  try {
    const want = new URL(requested);
    if (want.hostname !== '127.0.0.1' && want.hostname !== '[::1]') return false;
    return registered.some((r) => {
      const reg = new URL(r);
      return (
        reg.hostname === want.hostname && reg.pathname === want.pathname && reg.protocol === want.protocol
      );
    });
  } catch {
    return false;
  }
}

export class Simulator {
  readonly world: World;
  readonly clock: Clock;
  readonly domain: string;
  readonly flavour: Flavour;
  readonly limiter: RateLimiter;
  readonly faults = new Faults();
  readonly stats: SimulatorStats = {
    streamed: 0,
    requests: 0,
    pagingRequests: 0,
    limitHits: 0,
    byPath: new Map(),
  };
  /** Set once listening. */
  url = '';
  streamingUrl = '';
  readonly #apps = new Map<string, App>();
  readonly #grants = new Map<string, Grant>();
  readonly #tokens = new Map<string, Token>();
  readonly #sessions = new Map<string, string>();
  readonly #regenerating = new Map<string, number>();
  readonly #idempotency = new Map<string, string>();
  readonly #sockets = new Set<{ ws: WebSocket; userId: string; streams: Set<string> }>();
  #http!: FastifyInstance;
  #streaming!: http.Server;
  #wss!: WebSocketServer;
  readonly #unsubscribe: () => void;
  readonly #responseMs: number;
  /** The user who is taken as logged in and approving (a test may change whom, between sign-ins). */
  autoApprove: string | undefined;

  constructor(options: SimulatorOptions) {
    this.autoApprove = options.autoApprove;
    this.#responseMs = options.responseMs ?? 0;
    this.world = options.world;
    this.clock = options.clock;
    this.domain = options.domain ?? options.world.domains[0]!;
    this.flavour = options.flavour ?? FLAVOURS.mastodon;
    this.limiter = new RateLimiter(options.limits ?? this.flavour.limits ?? MASTODON_LIMITS);
    this.#unsubscribe = this.world.subscribe((event) => this.#broadcast(event));
  }

  // ---- Controls for tests ------------------------------------------------------------------

  /** Revokes every token of a user, as if they removed the app in their settings. */
  revokeTokens(userId: string): void {
    for (const token of this.#tokens.values()) if (token.userId === userId) token.revoked = true;
  }

  /** The user's next home requests answer 206 for `retrySeconds` of simulated time. */
  regenerateHome(userId: string, retrySeconds: number): void {
    this.#regenerating.set(userId, this.clock.now() + retrySeconds * 1000);
  }

  /** Closes every streaming socket at once, as a network drop would. */
  dropSockets(): void {
    for (const socket of this.#sockets) socket.ws.terminate();
    this.#sockets.clear();
  }

  get openSockets(): number {
    return this.#sockets.size;
  }

  resetStats(): void {
    this.stats.requests = 0;
    this.stats.pagingRequests = 0;
    this.stats.limitHits = 0;
    this.stats.byPath.clear();
  }

  // ---- Rendering -----------------------------------------------------------------------------

  account(id: string): Json {
    const account = this.world.accounts.get(id)!;
    const acct = account.domain === this.domain ? account.username : `${account.username}@${account.domain}`;
    return { ...account.json, acct };
  }

  #filtered(status: SimStatus, viewer: SimUser | undefined): Json[] | undefined {
    if (!viewer) return undefined;
    const now = this.clock.now();
    const text = String(status.json.content).toLowerCase();
    const results: Json[] = [];
    for (const filter of viewer.filters) {
      if (filter.expiresMs !== null && filter.expiresMs < now) continue;
      const matches = filter.keywords.filter((k) => text.includes(k.toLowerCase()));
      if (matches.length === 0) continue;
      results.push({
        filter: {
          id: filter.id,
          title: filter.title,
          context: filter.context,
          expires_at: filter.expiresMs === null ? null : new Date(filter.expiresMs).toISOString(),
          filter_action: filter.action,
        },
        keyword_matches: matches,
        status_matches: [],
      });
    }
    return results;
  }

  #inner(status: SimStatus, viewer: SimUser | undefined, context: string, depth = 0): Json {
    const json: Json = {
      ...status.json,
      account: this.account(status.accountId),
    };
    if (json.poll) json.poll = this.#poll(status, viewer);
    if (viewer) {
      json.favourited = viewer.favourited.has(status.id);
      json.reblogged = viewer.boosts.has(status.id);
      json.bookmarked = viewer.bookmarked.has(status.id);
      json.muted = false;
      json.pinned = false;
      json.filtered = this.#filtered(status, viewer);
    }
    if (status.quoteOf) {
      const quoted = this.world.statuses.get(status.quoteOf);
      json.quote =
        quoted && !quoted.deleted
          ? depth === 0
            ? { state: 'accepted', quoted_status: this.#inner(quoted, viewer, context, 1) }
            : { state: 'accepted', quoted_status_id: quoted.id }
          : { state: 'deleted', quoted_status: null };
    }
    return json;
  }

  status(status: SimStatus, viewer: SimUser | undefined, context = 'home'): Json {
    if (!status.reblogOf) return this.#inner(status, viewer, context);
    const inner = this.world.statuses.get(status.reblogOf)!;
    const json: Json = { ...status.json, account: this.account(status.accountId) };
    if (viewer) {
      Object.assign(json, {
        favourited: false,
        reblogged: false,
        bookmarked: false,
        muted: false,
        filtered: [],
      });
    }
    json.reblog = this.#inner(inner, viewer, context);
    return json;
  }

  // ---- Server --------------------------------------------------------------------------------

  async listen(): Promise<this> {
    const app = Fastify({ logger: false, forceCloseConnections: true });
    await app.register(formbody);
    // Like Mastodon, the API and the token endpoint answer browsers on any origin (the web edition).
    await app.register(cors, {
      origin: '*',
      // Mastodon's config/initializers/cors.rb: every verb the API uses (deleting a post is DELETE).
      methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
      exposedHeaders: [
        'Link',
        'X-RateLimit-Limit',
        'X-RateLimit-Remaining',
        'X-RateLimit-Reset',
        'Mastodon-Async-Refresh',
      ],
      allowedHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'Accept'],
    });
    // Every request is counted and, for the API, authenticated and throttled before its route.
    app.addHook('onRequest', async (request, reply) => this.#gate(request, reply));
    // Ids come back in the flavour's form: the routes read the world's.
    app.addHook('preHandler', async (request) => this.#decodeIds(request));
    app.addHook('onSend', async (request, _reply, payload) => {
      // As the client sent it (ids in the flavour's form).
      const at = this.faults.lostAnswers.indexOf(`${request.method} ${request.originalUrl.split('?')[0]}`);
      if (at >= 0) {
        this.faults.lostAnswers.splice(at, 1);
        request.raw.socket.destroy();
      }
      return payload;
    });
    this.#routes(app);
    await app.listen({ host: '127.0.0.1', port: 0 });
    this.#http = app;
    this.url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

    this.#streaming = http.createServer((_, res) => res.writeHead(404).end());
    this.#wss = new WebSocketServer({
      noServer: true,
      handleProtocols: (protocols) => protocols.values().next().value ?? false,
    });
    this.#streaming.on('upgrade', (request, socket, head) => this.#upgrade(request, socket, head));
    await new Promise<void>((resolve) => this.#streaming.listen(0, '127.0.0.1', resolve));
    this.streamingUrl = `ws://127.0.0.1:${(this.#streaming.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    this.#unsubscribe();
    this.dropSockets();
    this.#wss.close();
    // Connections a client keeps open (an upgrade under way, a kept-alive socket) end here too.
    const streaming = new Promise<void>((resolve) => this.#streaming.close(() => resolve()));
    this.#streaming.closeAllConnections();
    await streaming;
    await this.#http.close();
  }

  #token(request: FastifyRequest): Token | undefined {
    const header = request.headers.authorization;
    const bearer = header?.startsWith('Bearer ') ? header.slice(7) : undefined;
    return bearer ? this.#tokens.get(bearer) : undefined;
  }

  async #gate(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const path = request.url.split('?')[0]!;
    this.stats.requests++;
    // Ids in paths, as the flavours write them: decimal, ULIDs, FlakeIds (which hold a digit).
    const id = /\/(?:\d+|[0-9A-HJKMNP-TV-Z]{26}|(?=[0-9A-Za-z]*\d)[0-9A-Za-z]{18})(?=\/|$)/g;
    const routeKey = `${request.method} ${path.replace(id, '/:id')}`;
    this.stats.byPath.set(routeKey, (this.stats.byPath.get(routeKey) ?? 0) + 1);
    // The network and a failing route first: routes the flavour answers itself fail alike.
    const served =
      path.startsWith('/api/') || path.startsWith('/.well-known/') || path.startsWith('/nodeinfo/');
    if (this.faults.offline && served) {
      request.raw.socket.destroy();
      return reply.hijack();
    }
    const failing = this.faults.failing.get(`${request.method} ${path}`);
    if (failing !== undefined)
      return reply.code(failing).send({ error: `Failing with ${failing} on purpose` });
    if (this.faults.refuseAll !== null && path.startsWith('/api/'))
      return reply.code(this.faults.refuseAll).send({ error: 'Refused on purpose' });
    const page = this.faults.failingPages.get(`${request.method} ${path}`);
    if (page !== undefined)
      return reply
        .code(page)
        .type('text/html')
        .send(`<html><body><h1>${page}</h1>Request blocked.</body></html>`);
    const answer = this.flavour.answer(request.method, path, request.query as Query);
    if (answer) return reply.code(answer.status).type(answer.contentType).send(answer.body);
    if (!path.startsWith('/api/')) return;
    if (this.#responseMs > 0)
      (this.clock as Clock & { advance?: (ms: number) => void }).advance?.(this.#responseMs);
    if (this.faults.latencyMs > 0) await new Promise((r) => setTimeout(r, this.faults.latencyMs));
    if (this.faults.hangs > 0) {
      this.faults.hangs--;
      await new Promise<void>((resolve) => request.raw.once('close', resolve));
      return reply.hijack();
    }
    if (this.faults.serverErrors > 0) {
      this.faults.serverErrors--;
      return reply.code(503).type('text/html').send('<html><body>Service Unavailable</body></html>');
    }
    const open = path === '/api/v1/apps' || path === '/api/v2/instance' || path === '/api/v1/instance';
    const token = this.#token(request);
    if (!token || token.revoked) {
      if (open) return;
      return reply.code(this.flavour.unauthorized.status).send(this.flavour.unauthorized.body);
    }
    const query = request.query as Query;
    const paging = PAGING_PARAMS.some((p) => query[p] !== undefined);
    const deletion =
      (request.method === 'POST' && path.endsWith('/unreblog')) ||
      (request.method === 'DELETE' && path.startsWith('/api/v1/statuses/'));
    if (paging) this.stats.pagingRequests++;
    const timeline = /^\/api\/v1\/timelines\/(.+)$/.exec(path)?.[1];
    const verdict = this.limiter.check(
      { token: token.token, userId: token.userId, paging, deletion, timeline },
      this.clock.now(),
    );
    if (this.flavour.rateLimitHeaders) void reply.headers(verdict.headers);
    if (!verdict.allowed) {
      this.stats.limitHits++;
      return reply.code(429).send(this.flavour.throttled);
    }
    (request as FastifyRequest & { user?: SimUser }).user = this.world.users.get(token.userId);
  }

  #decodeIds(request: FastifyRequest): void {
    const { decode } = this.flavour.ids;
    const params = request.params as Record<string, string> | undefined;
    if (params) for (const key of Object.keys(params)) params[key] = decode(params[key]!);
    const query = request.query as Query | undefined;
    if (query)
      for (const key of ['max_id', 'min_id', 'since_id', 'id', 'id[]', 'ids', 'ids[]']) {
        const value = query[key];
        if (value !== undefined) query[key] = Array.isArray(value) ? value.map(decode) : decode(value);
      }
    const body = request.body as Record<string, unknown> | undefined;
    if (body && typeof body === 'object') {
      if (typeof body.in_reply_to_id === 'string') body.in_reply_to_id = decode(body.in_reply_to_id);
      for (const timeline of ['home', 'notifications']) {
        const nested = body[timeline] as { last_read_id?: unknown } | undefined;
        if (nested && typeof nested.last_read_id === 'string')
          nested.last_read_id = decode(nested.last_read_id);
        const flat = `${timeline}[last_read_id]`;
        if (typeof body[flat] === 'string') body[flat] = decode(body[flat]);
      }
    }
  }

  #user(request: FastifyRequest): SimUser {
    return (request as FastifyRequest & { user?: SimUser }).user!;
  }

  /**
   * Sends JSON checked against Corgi's schema for it (nothing may be left out: the simulator's
   * Mastodon is exact), reshaped by the flavour as `kind`, its ids written the flavour's way; a
   * fault may cut the body short.
   */
  #json(reply: FastifyReply, body: unknown, schema?: z.ZodType, code = 200, kind?: BodyKind): FastifyReply {
    if (schema) checkServed(schema, body);
    const viewerId = (reply.request as FastifyRequest & { user?: SimUser }).user?.accountId;
    const shaped = kind
      ? this.flavour.shape(kind, structuredClone(body), { domain: this.domain, viewerId })
      : body;
    const text = JSON.stringify(code < 400 ? encodeIds(shaped, this.flavour.ids) : shaped);
    if (this.faults.malformedBodies > 0) {
      this.faults.malformedBodies--;
      return reply
        .code(code)
        .type('application/json; charset=utf-8')
        .send(text.slice(0, Math.floor(text.length / 2)));
    }
    return reply.code(code).type('application/json; charset=utf-8').send(text);
  }

  /** Statuses as the API lists them, each checked unless the world marked it malformed. */
  #statuses(
    reply: FastifyReply,
    statuses: SimStatus[],
    viewer: SimUser | undefined,
    context: string,
  ): FastifyReply {
    const rendered = statuses.map((s) => {
      const json = this.status(s, viewer, context);
      if (!s.malformed && !this.world.inner(s).malformed) checkServed(schemas.statusSchema, json);
      return json;
    });
    return this.#json(reply, rendered, undefined, 200, 'statuses');
  }

  /**
   * One page of a newest-first list by Mastodon's rules: `max_id` older than, `since_id` newer
   * than (the newest `limit`), `min_id` immediately newer than (the oldest `limit`), with a Link
   * header to the next (older) and previous (newer) pages.
   */
  #page<T>(
    request: FastifyRequest,
    reply: FastifyReply,
    items: readonly T[],
    cursor: (item: T) => string,
    options: { defaultLimit?: number; maxLimit?: number } = {},
  ): T[] {
    const query = request.query as Query;
    const maxLimit = options.maxLimit ?? 40;
    const requested = Number(one(query.limit) ?? options.defaultLimit ?? 20);
    const limit = Math.max(1, Math.min(maxLimit, Number.isFinite(requested) ? requested : 20));
    const maxId = one(query.max_id);
    const sinceId = one(query.since_id);
    const minId = one(query.min_id);
    let candidates = items.filter(
      (item) =>
        (maxId === undefined || compareIds(cursor(item), maxId) < 0) &&
        (sinceId === undefined || compareIds(cursor(item), sinceId) > 0) &&
        (minId === undefined || compareIds(cursor(item), minId) > 0),
    );
    candidates = minId !== undefined ? candidates.slice(-limit) : candidates.slice(0, limit);
    if (candidates.length > 0) {
      const base = new URL(request.url, this.url);
      for (const p of PAGING_PARAMS) base.searchParams.delete(p);
      base.searchParams.set('limit', String(limit));
      const next = new URL(base);
      next.searchParams.set('max_id', this.flavour.ids.encode(cursor(candidates[candidates.length - 1]!)));
      const prev = new URL(base);
      prev.searchParams.set('min_id', this.flavour.ids.encode(cursor(candidates[0]!)));
      void reply.header('Link', `<${next.href}>; rel="next", <${prev.href}>; rel="prev"`);
    }
    return candidates;
  }

  /**
   * A page of a timeline of status ids: the visible ones paged (Mastodon), or the page read first
   * and then its invisible ones left out, so it can come back short (GoToSocial).
   */
  #statusPage(
    request: FastifyRequest,
    reply: FastifyReply,
    ids: readonly string[],
    viewer: SimUser,
  ): SimStatus[] {
    if (!this.flavour.visibilityAfterPaging) {
      const visible = ids
        .map((id) => this.world.statuses.get(id))
        .filter((s): s is SimStatus => this.#visible(s, viewer));
      return this.#page(request, reply, visible, (s) => s.id);
    }
    const page = this.#page(request, reply, ids, (id) => id);
    return page
      .map((id) => this.world.statuses.get(id))
      .filter((s): s is SimStatus => this.#visible(s, viewer));
  }

  /** The signed-in user's own status named in the path; undefined once a refusal is sent. */
  #own(request: FastifyRequest, reply: FastifyReply): SimStatus | undefined {
    const user = this.#user(request);
    const status = this.world.statuses.get((request.params as { id: string }).id);
    if (!this.#visible(status, user)) {
      this.#json(reply, { error: 'Record not found' }, undefined, 404);
      return undefined;
    }
    if (status.accountId !== user.accountId) {
      this.#json(reply, { error: 'This action is not allowed' }, undefined, 403);
      return undefined;
    }
    return status;
  }

  #visible(status: SimStatus | undefined, viewer: SimUser): status is SimStatus {
    if (!status || status.deleted) return false;
    const inner = this.world.inner(status);
    if (inner.deleted) return false;
    return !viewer.blocks.has(status.accountId) && !viewer.blocks.has(inner.accountId);
  }

  #routes(app: FastifyInstance): void {
    const world = this.world;
    const statusesOf = (ids: readonly string[], viewer: SimUser) =>
      ids.map((id) => world.statuses.get(id)).filter((s): s is SimStatus => this.#visible(s, viewer));

    // -- Sign-in --
    app.get('/.well-known/oauth-authorization-server', (_, reply) =>
      this.#json(
        reply,
        {
          issuer: `${this.url}/`,
          service_documentation: 'https://docs.joinmastodon.org/',
          authorization_endpoint: `${this.url}/oauth/authorize`,
          token_endpoint: `${this.url}/oauth/token`,
          app_registration_endpoint: `${this.url}/api/v1/apps`,
          revocation_endpoint: `${this.url}/oauth/revoke`,
          scopes_supported: ['read', 'write', 'push', 'follow', ...SCOPES],
          response_types_supported: ['code'],
          response_modes_supported: ['query', 'fragment', 'form_post'],
          code_challenge_methods_supported: ['S256'],
          grant_types_supported: ['authorization_code', 'client_credentials'],
          token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
        },
        schemas.authServerMetadataSchema,
      ),
    );

    app.post('/api/v1/apps', (request, reply) => {
      const body = (request.body ?? {}) as Record<string, unknown>;
      const name = typeof body.client_name === 'string' ? body.client_name : '';
      const raw = body.redirect_uris ?? body['redirect_uris[]'];
      const redirectUris = (
        Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(/\s+/) : []
      ).filter((u): u is string => typeof u === 'string' && u.length > 0);
      if (!name || name.length > 60 || redirectUris.length === 0)
        return this.#json(
          reply,
          { error: 'Validation failed: client_name and redirect_uris are required' },
          undefined,
          422,
        );
      const scopes = typeof body.scopes === 'string' ? body.scopes.split(/\s+/).filter(Boolean) : ['read'];
      const app: App = {
        clientId: randomBytes(24).toString('base64url'),
        clientSecret: randomBytes(24).toString('base64url'),
        name,
        redirectUris,
        scopes,
      };
      this.#apps.set(app.clientId, app);
      return this.#json(
        reply,
        {
          id: String(this.#apps.size),
          name,
          website: typeof body.website === 'string' ? body.website : null,
          scopes,
          redirect_uri: redirectUris.join('\n'),
          redirect_uris: redirectUris,
          client_id: app.clientId,
          client_secret: app.clientSecret,
          client_secret_expires_at: 0,
        },
        schemas.credentialApplicationSchema,
      );
    });

    app.get('/oauth/authorize', (request, reply) => {
      const query = request.query as Query;
      const problem = this.#checkAuthorize(query);
      if (problem)
        return reply
          .code(400)
          .type('text/html')
          .send(`<p class="error">${escapeHtml(problem)}</p>`);
      const auto = this.autoApprove ? world.userByName(this.autoApprove, this.domain) : undefined;
      if (auto) return reply.redirect(this.#grant(query, auto.accountId), 302);
      const session = this.#session(request);
      const hidden = Object.entries(query)
        .filter(([k]) => k !== 'force_login')
        .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(one(v) ?? '')}">`)
        .join('');
      if (!session || one(query.force_login) === 'true') {
        return reply
          .type('text/html')
          .send(
            `<form method="post" action="/oauth/authorize/login">${hidden}<label>Username <input name="username"></label><label>Password <input name="password" type="password"></label><button>Log in</button></form>`,
          );
      }
      const app = this.#apps.get(one(query.client_id)!)!;
      return reply
        .type('text/html')
        .send(
          `<form method="post" action="/oauth/authorize"><p>${escapeHtml(app.name)} wants to access your account.</p>${hidden}<button name="decision" value="approve">Authorize</button><button name="decision" value="deny">Deny</button></form>`,
        );
    });

    app.post('/oauth/authorize/login', (request, reply) => {
      const body = request.body as Record<string, string>;
      const [username, domain] = String(body.username ?? '').split('@');
      const user = world.userByName(username ?? '', domain ?? this.domain);
      if (!user || user.password !== body.password)
        return reply.code(401).type('text/html').send('<p class="error">Invalid username or password.</p>');
      const session = randomBytes(16).toString('hex');
      this.#sessions.set(session, user.accountId);
      const query = new URLSearchParams();
      for (const [k, v] of Object.entries(body)) if (k !== 'username' && k !== 'password') query.set(k, v);
      return reply
        .header('Set-Cookie', `_session_id=${session}; Path=/; HttpOnly; SameSite=Lax`)
        .redirect(`/oauth/authorize?${query}`, 303);
    });

    app.post('/oauth/authorize', (request, reply) => {
      const body = request.body as Record<string, string>;
      const problem = this.#checkAuthorize(body);
      if (problem)
        return reply
          .code(400)
          .type('text/html')
          .send(`<p class="error">${escapeHtml(problem)}</p>`);
      const userId = this.#session(request);
      if (!userId) return reply.code(401).type('text/html').send('<p class="error">Log in first.</p>');
      const target = new URL(body.redirect_uri!);
      if (body.state !== undefined) target.searchParams.set('state', body.state);
      if (body.decision !== 'approve') {
        target.searchParams.set('error', 'access_denied');
        return reply.redirect(target.href, 302);
      }
      return reply.redirect(this.#grant(body, userId), 302);
    });

    app.post('/oauth/token', (request, reply) => {
      const body = (request.body ?? {}) as Record<string, string>;
      const app = this.#apps.get(body.client_id ?? '');
      if (!app || app.clientSecret !== body.client_secret)
        return this.#json(
          reply,
          { error: 'invalid_client', error_description: 'Client authentication failed' },
          undefined,
          401,
        );
      if (body.grant_type !== 'authorization_code')
        return this.#json(reply, { error: 'unsupported_grant_type' }, undefined, 400);
      const grant = this.#grants.get(body.code ?? '');
      const invalid = (why: string) =>
        this.#json(reply, { error: 'invalid_grant', error_description: why }, undefined, 400);
      if (!grant || grant.clientId !== app.clientId || grant.expiresMs < this.clock.now())
        return invalid('The authorization code is invalid, expired or revoked.');
      if (grant.redirectUri !== body.redirect_uri) return invalid('The redirect URI does not match.');
      if (this.flavour.oauth.pkce === 'refuse-verifier' && body.code_verifier) {
        // GoToSocial took the code out of its store before checking, so it is used up too.
        this.#grants.delete(grant.code);
        return this.#json(
          reply,
          {
            error: 'invalid_request',
            error_description: 'could not get access token: missing code verifier',
          },
          undefined,
          400,
        );
      }
      if (grant.challenge !== null && s256(body.code_verifier ?? '') !== grant.challenge)
        return invalid('The code verifier does not match the code challenge.');
      this.#grants.delete(grant.code);
      const token: Token = {
        token: randomBytes(32).toString('base64url'),
        clientId: app.clientId,
        userId: grant.userId,
        scopes: grant.scopes,
        revoked: false,
      };
      this.#tokens.set(token.token, token);
      return this.#json(
        reply,
        {
          access_token: token.token,
          token_type: 'Bearer',
          scope: grant.scopes.join(' '),
          created_at: Math.floor(this.clock.now() / 1000),
        },
        schemas.tokenSchema,
      );
    });

    app.post('/oauth/revoke', (request, reply) => {
      const body = (request.body ?? {}) as Record<string, string>;
      const app = this.#apps.get(body.client_id ?? '');
      if (!app || app.clientSecret !== body.client_secret)
        return this.#json(reply, { error: 'unauthorized_client' }, undefined, 403);
      const token = this.#tokens.get(body.token ?? '');
      if (token && token.clientId === app.clientId) token.revoked = true;
      return this.#json(reply, {});
    });

    // -- Instance and account --
    // Mastodon's documents; a flavour rewrites or drops them.
    const instanceV2 = () => ({
      domain: this.domain,
      title: this.domain,
      version: '4.5.0',
      source_url: 'https://github.com/mastodon/mastodon',
      description: `The ${this.domain} simulator`,
      api_versions: { mastodon: 7 },
      configuration: {
        urls: { streaming: this.streamingUrl },
        statuses: { max_characters: 500, max_media_attachments: 4 },
        translation: { enabled: false },
      },
      registrations: { enabled: false },
    });
    app.get('/api/v2/instance', (_, reply) => {
      checkServed(schemas.instanceSchema, instanceV2());
      const document = this.flavour.instanceV2(instanceV2());
      if (!document) return this.#json(reply, { error: 'Record not found' }, undefined, 404);
      return this.#json(reply, document);
    });
    app.get('/api/v1/instance', (_, reply) => {
      const document = {
        uri: this.domain,
        title: this.domain,
        short_description: `The ${this.domain} simulator`,
        description: `The ${this.domain} simulator`,
        email: `admin@${this.domain}`,
        version: '4.5.0',
        urls: { streaming_api: this.streamingUrl },
        stats: { user_count: this.world.users.size, status_count: this.world.statuses.size, domain_count: 2 },
        thumbnail: null,
        languages: ['en'],
        registrations: false,
        approval_required: false,
        invites_enabled: false,
        configuration: { statuses: { max_characters: 500, max_media_attachments: 4 } },
        contact_account: null,
        rules: [],
      };
      checkServed(schemas.instanceSchema, document);
      return this.#json(reply, this.flavour.instanceV1(document));
    });
    // NodeInfo: what software this is, as every ActivityPub server says.
    app.get('/.well-known/nodeinfo', (_, reply) =>
      this.#json(reply, {
        links: [{ rel: 'http://nodeinfo.diaspora.software/ns/schema/2.0', href: `${this.url}/nodeinfo/2.0` }],
      }),
    );
    app.get('/nodeinfo/2.0', (_, reply) =>
      this.#json(reply, {
        version: '2.0',
        software: this.flavour.software,
        protocols: ['activitypub'],
        services: { inbound: [], outbound: [] },
        usage: { users: { total: this.world.users.size } },
        openRegistrations: false,
        metadata: {},
      }),
    );

    app.get('/api/v1/apps/verify_credentials', (request, reply) => {
      const token = this.#token(request)!;
      const app = this.#apps.get(token.clientId)!;
      return this.#json(
        reply,
        { id: '1', name: app.name, website: null, scopes: app.scopes },
        schemas.applicationSchema,
      );
    });

    app.get('/api/v1/accounts/verify_credentials', (request, reply) =>
      this.#json(
        reply,
        {
          ...this.account(this.#user(request).accountId),
          source: { privacy: 'public', sensitive: false, note: '', fields: [] },
        },
        schemas.credentialAccountSchema,
        200,
        'credential_account',
      ),
    );

    // -- Timelines --
    app.get('/api/v1/timelines/home', (request, reply) => {
      const user = this.#user(request);
      const until = this.#regenerating.get(user.accountId);
      if (until !== undefined) {
        if (until > this.clock.now()) {
          const retry = Math.max(1, Math.ceil((until - this.clock.now()) / 1000));
          if (this.flavour.asyncRefresh)
            void reply.header(
              'Mastodon-Async-Refresh',
              `id="home-${user.accountId}", retry=${retry}, result_count=0`,
            );
          return this.#json(reply, [], undefined, 206);
        }
        this.#regenerating.delete(user.accountId);
      }
      return this.#statuses(reply, this.#statusPage(request, reply, user.home, user), user, 'home');
    });

    app.get('/api/v1/timelines/list/:id', (request, reply) => {
      const user = this.#user(request);
      const list = user.lists.find((l) => l.id === (request.params as { id: string }).id);
      if (!list) return this.#json(reply, { error: 'Record not found' }, undefined, 404);
      const ids = [...world.timeline]
        .reverse()
        .filter((id) => list.members.has(world.statuses.get(id)!.accountId));
      return this.#statuses(reply, this.#statusPage(request, reply, ids, user), user, 'home');
    });

    const publicIds = (filter: (s: SimStatus) => boolean) => {
      const out: string[] = [];
      for (let i = world.timeline.length - 1; i >= 0; i--) {
        const s = world.statuses.get(world.timeline[i]!)!;
        if (!s.reblogOf && s.json.visibility === 'public' && filter(s)) out.push(s.id);
      }
      return out;
    };

    app.get('/api/v1/timelines/tag/:tag', (request, reply) => {
      const user = this.#user(request);
      const tag = (request.params as { tag: string }).tag.toLowerCase();
      const ids = publicIds((s) => s.tags.includes(tag));
      return this.#statuses(reply, this.#statusPage(request, reply, ids, user), user, 'public');
    });

    app.get('/api/v1/timelines/public', (request, reply) => {
      const user = this.#user(request);
      const query = request.query as Query;
      const local = one(query.local) === 'true';
      const ids = publicIds((s) => !local || world.accounts.get(s.accountId)!.domain === this.domain);
      return this.#statuses(reply, this.#statusPage(request, reply, ids, user), user, 'public');
    });

    // Favourites and bookmarks page by the record's id, not the status's: follow the Link header.
    for (const kind of ['favourites', 'bookmarks'] as const) {
      app.get(`/api/v1/${kind}`, (request, reply) => {
        const user = this.#user(request);
        const records = user[kind].filter((r) => this.#visible(world.statuses.get(r.statusId), user));
        const page = this.#page(request, reply, records, (r) => r.id);
        return this.#statuses(
          reply,
          page.map((r) => world.statuses.get(r.statusId)!),
          user,
          'home',
        );
      });
    }

    // -- Notifications --
    app.get('/api/v1/notifications', (request, reply) => {
      const user = this.#user(request);
      const query = request.query as Query;
      const types = many(query, this.flavour.notificationTypesParam);
      const items = user.notifications.filter((n) => types.length === 0 || types.includes(n.type));
      const page = this.#page(request, reply, items, (n) => n.id, { defaultLimit: 40, maxLimit: 80 });
      return this.#json(
        reply,
        page.map((n) => this.#notification(n, user)),
        z.array(schemas.notificationSchema),
        200,
        'notifications',
      );
    });

    app.get('/api/v2/notifications', (request, reply) => {
      const user = this.#user(request);
      const page = this.#page(request, reply, user.notifications, (n) => n.id, {
        defaultLimit: 40,
        maxLimit: 80,
      });
      const groups = new Map<string, { key: string; items: typeof page }>();
      for (const n of page) {
        const key =
          n.type === 'favourite' || n.type === 'reblog' ? `${n.type}-${n.statusId}` : `ungrouped-${n.id}`;
        const group = groups.get(key) ?? { key, items: [] };
        group.items.push(n);
        groups.set(key, group);
      }
      const accountIds = new Set(page.map((n) => n.accountId));
      const statusIds = new Set(page.map((n) => n.statusId).filter((id): id is string => id !== null));
      const body = {
        accounts: [...accountIds].map((id) => this.account(id)),
        statuses: [...statusIds].map((id) => this.status(world.statuses.get(id)!, user, 'notifications')),
        notification_groups: [...groups.values()].map(({ key, items }) => ({
          group_key: key,
          notifications_count: items.length,
          type: items[0]!.type,
          most_recent_notification_id: items[0]!.id,
          page_min_id: items[items.length - 1]!.id,
          page_max_id: items[0]!.id,
          latest_page_notification_at: new Date(items[0]!.createdMs).toISOString(),
          sample_account_ids: [...new Set(items.map((n) => n.accountId))].slice(0, 8),
          status_id: items[0]!.statusId,
        })),
      };
      return this.#json(reply, body, schemas.groupedNotificationsSchema, 200, 'grouped_notifications');
    });

    // -- Lists, tags, relationships, filters, markers --
    app.get('/api/v1/lists', (request, reply) =>
      this.#json(
        reply,
        this.#user(request).lists.map((l) => ({
          id: l.id,
          title: l.title,
          replies_policy: 'list',
          exclusive: false,
        })),
        z.array(schemas.listSchema),
        200,
        'lists',
      ),
    );

    app.get('/api/v1/followed_tags', (request, reply) => {
      const user = this.#user(request);
      const tags = user.followedTags.map((name, i) => ({ id: String(1000 + i), name }));
      const page = this.#page(request, reply, [...tags].reverse(), (t) => t.id, {
        defaultLimit: 100,
        maxLimit: 200,
      });
      return this.#json(
        reply,
        page.map((t) => ({
          id: t.id,
          name: t.name,
          url: `https://${this.domain}/tags/${t.name}`,
          history: [],
          following: true,
        })),
        z.array(schemas.tagSchema),
        200,
        'tags',
      );
    });

    app.get('/api/v1/accounts/relationships', (request, reply) => {
      const user = this.#user(request);
      const ids = many(request.query as Query, 'id').filter((id) => world.accounts.has(id));
      return this.#json(
        reply,
        ids.map((id) => this.#relationship(user, id)),
        z.array(schemas.relationshipSchema),
        200,
        'relationships',
      );
    });

    app.get('/api/v1/accounts/lookup', (request, reply) => {
      this.#user(request);
      const acct = (one((request.query as Query).acct) ?? '').replace(/^@/, '').toLowerCase();
      const [username, domain = this.domain] = acct.split('@');
      const found = [...world.accounts.values()].find(
        (a) => a.username.toLowerCase() === username && a.domain === domain,
      );
      if (!found) return this.#json(reply, { error: 'Record not found' }, undefined, 404);
      return this.#json(reply, this.account(found.id), schemas.accountSchema, 200, 'account');
    });

    app.get('/api/v1/accounts/:id', (request, reply) => {
      this.#user(request);
      const { id } = request.params as { id: string };
      if (!world.accounts.has(id)) return this.#json(reply, { error: 'Record not found' }, undefined, 404);
      return this.#json(reply, this.account(id), schemas.accountSchema, 200, 'account');
    });

    // An account's posts, newest first; pinned posts are none, and blocked accounts show nothing.
    app.get('/api/v1/accounts/:id/statuses', (request, reply) => {
      const user = this.#user(request);
      const { id } = request.params as { id: string };
      if (!world.accounts.has(id)) return this.#json(reply, { error: 'Record not found' }, undefined, 404);
      const query = request.query as Query;
      const flag = (name: string) => one(query[name]) === 'true' || one(query[name]) === '1';
      if (flag('pinned')) return this.#statuses(reply, [], user, 'account');
      const statuses = world
        .statusesBy(id)
        .filter(
          (s) =>
            this.#visible(s, user) &&
            !(flag('exclude_reblogs') && s.reblogOf) &&
            !(flag('exclude_replies') && s.inReplyTo) &&
            !(flag('only_media') && (world.inner(s).json.media_attachments as unknown[]).length === 0),
        );
      return this.#statuses(
        reply,
        this.#page(request, reply, statuses, (s) => s.id),
        user,
        'account',
      );
    });

    const relate = (name: string, apply: (user: SimUser, id: string) => void) =>
      app.post(`/api/v1/accounts/:id/${name}`, (request, reply) => {
        const user = this.#user(request);
        const { id } = request.params as { id: string };
        if (!world.accounts.has(id)) return this.#json(reply, { error: 'Record not found' }, undefined, 404);
        if (id === user.accountId)
          return this.#json(reply, { error: 'This action is not allowed' }, undefined, 403);
        apply(user, id);
        return this.#json(
          reply,
          this.#relationship(user, id),
          schemas.relationshipSchema,
          200,
          'relationship',
        );
      });
    relate('follow', (user, id) => world.follow(user, id, true));
    relate('unfollow', (user, id) => world.follow(user, id, false));
    relate('mute', (user, id) => world.mute(user, id, true));
    relate('unmute', (user, id) => world.mute(user, id, false));
    relate('block', (user, id) => world.block(user, id, true));
    relate('unblock', (user, id) => world.block(user, id, false));

    // Search as a Mastodon without a full-text index answers: accounts by handle or name, hashtags
    // by name, and statuses only by their address (or, here, by words of the viewer's own posts).
    app.get('/api/v2/search', (request, reply) => {
      const user = this.#user(request);
      const query = request.query as Query;
      const q = (one(query.q) ?? '').trim();
      const type = one(query.type);
      const limit = Math.max(1, Math.min(40, Number(one(query.limit) ?? 20) || 20));
      if (!q) return this.#json(reply, { accounts: [], statuses: [], hashtags: [] }, undefined, 200);
      const word = q.replace(/^[@#]/, '').toLowerCase();
      const accounts =
        type && type !== 'accounts'
          ? []
          : [...world.accounts.values()]
              .filter((a) => {
                const name = String(a.json.display_name ?? '').toLowerCase();
                const full = `${a.username}@${a.domain}`.toLowerCase();
                return full.startsWith(word) || full === word || name.includes(word);
              })
              .slice(0, limit)
              .map((a) => this.account(a.id));
      const hashtags =
        type && type !== 'hashtags'
          ? []
          : [...new Set(world.generator.tags.map((t) => t.toLowerCase()))]
              .filter((t) => t.includes(word))
              .slice(0, limit)
              .map((name) => ({ name, url: `${this.url}/tags/${name}`, history: [], following: false }));
      const statuses =
        type && type !== 'statuses'
          ? []
          : [...world.statuses.values()]
              .filter(
                (s) =>
                  this.#visible(s, user) &&
                  !s.reblogOf &&
                  (s.json.url === q ||
                    s.json.uri === q ||
                    (s.accountId === user.accountId && String(s.json.content).toLowerCase().includes(word))),
              )
              .slice(0, limit);
      return this.#json(
        reply,
        {
          accounts,
          hashtags,
          statuses: statuses.map((s) => this.status(s, user, 'search')),
        },
        undefined,
        200,
        'search',
      );
    });

    app.get('/api/v1/accounts/:id/following', (request, reply) => {
      this.#user(request);
      const { id } = request.params as { id: string };
      const owner = world.users.get(id);
      if (!world.accounts.has(id)) return reply.code(404).send({ error: 'Record not found' });
      const ids = [...(owner?.follows ?? [])].sort((a, b) => compareIds(b, a));
      const page = this.#page(request, reply, ids, (f) => f, { defaultLimit: 40, maxLimit: 80 });
      return this.#json(
        reply,
        page.map((f) => this.account(f)),
        z.array(schemas.accountSchema),
        200,
        'accounts',
      );
    });

    for (const kind of ['mutes', 'blocks'] as const) {
      app.get(`/api/v1/${kind}`, (request, reply) => {
        const user = this.#user(request);
        const ids = [...user[kind]].sort((a, b) => compareIds(b, a));
        const page = this.#page(request, reply, ids, (id) => id, { defaultLimit: 40, maxLimit: 80 });
        return this.#json(
          reply,
          page.map((id) => this.account(id)),
          z.array(schemas.accountSchema),
          200,
          'accounts',
        );
      });
    }

    app.get('/api/v2/filters', (request, reply) =>
      this.#json(
        reply,
        this.#user(request).filters.map((f) => ({
          id: f.id,
          title: f.title,
          context: f.context,
          expires_at: f.expiresMs === null ? null : new Date(f.expiresMs).toISOString(),
          filter_action: f.action,
          keywords: f.keywords.map((keyword, i) => ({ id: `${f.id}${i}`, keyword, whole_word: false })),
          statuses: [],
        })),
        z.array(schemas.filterSchema),
        200,
        'filters_v2',
      ),
    );

    // v1: one filter per keyword; "irreversible" ones are dropped by the server (hide).
    app.get('/api/v1/filters', (request, reply) =>
      this.#json(
        reply,
        this.#user(request).filters.flatMap((f) =>
          f.keywords.map((phrase, i) => ({
            id: `${f.id}${i}`,
            phrase,
            context: f.context,
            whole_word: false,
            expires_at: f.expiresMs === null ? null : new Date(f.expiresMs).toISOString(),
            irreversible: f.action === 'hide',
          })),
        ),
        z.array(schemas.filterV1Schema),
        200,
        'filters_v1',
      ),
    );

    app.get('/api/v1/markers', (request, reply) => {
      const user = this.#user(request);
      const body: Json = {};
      for (const timeline of many(request.query as Query, 'timeline')) {
        if (!this.flavour.markerTimelines.includes(timeline)) continue;
        const marker = user.markers.get(timeline);
        if (marker)
          body[timeline] = {
            last_read_id: marker.lastReadId,
            version: marker.version,
            updated_at: new Date(marker.updatedMs).toISOString(),
          };
      }
      return this.#json(reply, body, schemas.markersSchema, 200, 'markers');
    });

    app.post('/api/v1/markers', (request, reply) => {
      const user = this.#user(request);
      if (this.faults.markerConflicts > 0) {
        this.faults.markerConflicts--;
        return this.#json(reply, { error: 'Conflict during update, please try again' }, undefined, 409);
      }
      const body = (request.body ?? {}) as Record<string, unknown>;
      const out: Json = {};
      for (const timeline of this.flavour.markerTimelines) {
        const nested = body[timeline] as { last_read_id?: string } | undefined;
        const lastReadId = nested?.last_read_id ?? (body[`${timeline}[last_read_id]`] as string | undefined);
        if (!lastReadId) continue;
        const previous = user.markers.get(timeline);
        const marker = { lastReadId, version: (previous?.version ?? 0) + 1, updatedMs: this.clock.now() };
        user.markers.set(timeline, marker);
        out[timeline] = {
          last_read_id: lastReadId,
          version: marker.version,
          updated_at: new Date(marker.updatedMs).toISOString(),
        };
      }
      return this.#json(reply, out, schemas.markersSchema, 200, 'markers');
    });

    // -- Trends --
    const trending = () =>
      publicIds(() => true)
        .slice(0, 2000)
        .map((id) => world.statuses.get(id)!)
        .sort((a, b) => (b.json.favourites_count as number) - (a.json.favourites_count as number));
    app.get('/api/v1/trends/statuses', (request, reply) => {
      const query = request.query as Query;
      const offset = Number(one(query.offset) ?? 0);
      const limit = Math.min(40, Number(one(query.limit) ?? 20));
      const page = trending().slice(offset, offset + limit);
      return this.#statuses(reply, page, this.#user(request), 'public');
    });
    app.get('/api/v1/trends/tags', (_, reply) =>
      this.#json(
        reply,
        world.generator.tags.slice(0, 10).map((name) => ({
          name: name.toLowerCase(),
          url: `https://${this.domain}/tags/${name.toLowerCase()}`,
          history: [
            { day: String(Math.floor(this.clock.now() / 86_400_000) * 86_400), uses: '12', accounts: '9' },
          ],
        })),
        z.array(schemas.tagSchema),
        200,
        'tags',
      ),
    );

    // -- Statuses --
    app.get('/api/v1/statuses', (request, reply) => {
      const user = this.#user(request);
      const ids = many(request.query as Query, this.flavour.statusBatchParam).slice(0, 20);
      if (ids.length === 0)
        return this.#json(reply, { error: `${this.flavour.statusBatchParam}[] is required` }, undefined, 400);
      return this.#statuses(reply, statusesOf(ids, user), user, 'home');
    });

    app.get('/api/v1/statuses/:id', (request, reply) => {
      const user = this.#user(request);
      const status = world.statuses.get((request.params as { id: string }).id);
      if (!this.#visible(status, user))
        return this.#json(reply, { error: 'Record not found' }, undefined, 404);
      return this.#json(reply, this.status(status, user, 'thread'), schemas.statusSchema, 200, 'status');
    });

    app.get('/api/v1/statuses/:id/context', (request, reply) => {
      const user = this.#user(request);
      const status = world.statuses.get((request.params as { id: string }).id);
      if (!this.#visible(status, user))
        return this.#json(reply, { error: 'Record not found' }, undefined, 404);
      const ancestors: SimStatus[] = [];
      for (let parent = status.inReplyTo; parent;) {
        const p = world.statuses.get(parent);
        if (!p) break;
        ancestors.unshift(p);
        parent = p.inReplyTo;
      }
      const descendants: SimStatus[] = [];
      const walk = (id: string) => {
        for (const candidate of world.repliesTo(id)) {
          descendants.push(candidate);
          walk(candidate.id);
        }
      };
      walk(status.id);
      return this.#json(
        reply,
        {
          ancestors: ancestors
            .filter((s) => this.#visible(s, user))
            .map((s) => this.status(s, user, 'thread')),
          descendants: descendants
            .filter((s) => this.#visible(s, user))
            .map((s) => this.status(s, user, 'thread')),
        },
        schemas.contextSchema,
        200,
        'context',
      );
    });

    app.post('/api/v1/statuses', (request, reply) => {
      const user = this.#user(request);
      const key = request.headers['idempotency-key'];
      const idemKey = typeof key === 'string' ? `${user.accountId}:${key}` : undefined;
      const existing = idemKey ? this.#idempotency.get(idemKey) : undefined;
      if (existing)
        return this.#json(
          reply,
          this.status(world.statuses.get(existing)!, user),
          schemas.statusSchema,
          200,
          'status',
        );
      const body = (request.body ?? {}) as Record<string, unknown>;
      const text = typeof body.status === 'string' ? body.status : '';
      if (!text.trim())
        return this.#json(reply, { error: "Validation failed: Text can't be blank" }, undefined, 422);
      const inReplyTo = typeof body.in_reply_to_id === 'string' ? body.in_reply_to_id : undefined;
      const status = world.publish(user.accountId, { inReplyTo, text: escapeHtml(text) });
      status.json.spoiler_text = typeof body.spoiler_text === 'string' ? body.spoiler_text : '';
      status.json.sensitive = status.json.spoiler_text !== '';
      if (typeof body.visibility === 'string') status.json.visibility = body.visibility;
      // The language asked for is kept (else the author's usual one, as composed).
      if (typeof body.language === 'string') status.json.language = body.language;
      status.json.media_attachments = [];
      status.json.poll = null;
      status.json.card = null;
      if (idemKey) this.#idempotency.set(idemKey, status.id);
      return this.#json(reply, this.status(status, user), schemas.statusSchema, 200, 'status');
    });

    app.post('/api/v1/polls/:id/votes', (request, reply) => {
      const user = this.#user(request);
      const { id } = request.params as { id: string };
      const status = [...world.statuses.values()].find(
        (s) => (s.json.poll as Json | null)?.id === id && this.#visible(s, user),
      );
      if (!status) return this.#json(reply, { error: 'Record not found' }, undefined, 404);
      const body = (request.body ?? {}) as Record<string, unknown>;
      const raw = body['choices[]'] ?? body.choices;
      const choices = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).map(Number);
      if (!world.vote(user, status, choices))
        return this.#json(
          reply,
          {
            error: world.pollExpired(status)
              ? 'Validation failed: The poll has already ended'
              : 'Validation failed: You have already voted on this poll',
          },
          undefined,
          422,
        );
      return this.#json(reply, this.#poll(status, user), schemas.pollSchema, 200, 'poll');
    });

    // The text of one's own post as it was written, for editing it.
    app.get('/api/v1/statuses/:id/source', (request, reply) => {
      const status = this.#own(request, reply);
      if (!status) return reply;
      return this.#json(reply, {
        id: status.id,
        text: String(status.json.content)
          .replace(/<[^>]+>/g, '')
          .replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code))),
        spoiler_text: status.json.spoiler_text,
      });
    });

    app.put('/api/v1/statuses/:id', (request, reply) => {
      const user = this.#user(request);
      const status = this.#own(request, reply);
      if (!status) return reply;
      const body = (request.body ?? {}) as Record<string, unknown>;
      const text = typeof body.status === 'string' ? body.status : '';
      if (!text.trim())
        return this.#json(reply, { error: "Validation failed: Text can't be blank" }, undefined, 422);
      world.edit(status, {
        html: `<p>${escapeHtml(text)}</p>`,
        spoilerText: typeof body.spoiler_text === 'string' ? body.spoiler_text : '',
        language: typeof body.language === 'string' ? body.language : undefined,
      });
      return this.#json(reply, this.status(status, user), schemas.statusSchema, 200, 'status');
    });

    // Deleting one's own post answers with it (source text included, for "delete and redraft").
    app.delete('/api/v1/statuses/:id', (request, reply) => {
      const user = this.#user(request);
      const status = this.#own(request, reply);
      if (!status) return reply;
      const body = {
        ...this.status(status, user),
        text: String(status.json.content).replace(/<[^>]+>/g, ''),
      };
      world.delete(status.id);
      return this.#json(reply, body, schemas.statusSchema, 200, 'status');
    });

    const action = (name: string, apply: (user: SimUser, status: SimStatus) => SimStatus) =>
      app.post(`/api/v1/statuses/:id/${name}`, (request, reply) => {
        const user = this.#user(request);
        const status = world.statuses.get((request.params as { id: string }).id);
        if (!this.#visible(status, user))
          return this.#json(reply, { error: 'Record not found' }, undefined, 404);
        const result = apply(user, world.inner(status));
        return this.#json(reply, this.status(result, user), schemas.statusSchema, 200, 'status');
      });
    action('favourite', (user, status) => world.favourite(user, status, true));
    action('unfavourite', (user, status) => world.favourite(user, status, false));
    action('bookmark', (user, status) => world.bookmark(user, status, true));
    action('unbookmark', (user, status) => world.bookmark(user, status, false));
    action('reblog', (user, status) => world.reblog(user, status, true));
    action('unreblog', (user, status) => world.reblog(user, status, false));
  }

  /** A status's poll as `viewer` sees it: open or closed by the clock, their own votes. */
  #poll(status: SimStatus, viewer: SimUser | undefined): Json {
    const poll = status.json.poll as Json;
    const own = viewer ? this.world.votes.get(status.id)?.get(viewer.accountId) : undefined;
    return {
      ...poll,
      options: (poll.options as Json[]).map((o) => ({ ...o })),
      expired: this.world.pollExpired(status),
      ...(viewer ? { voted: own !== undefined, own_votes: own ?? [] } : {}),
    };
  }

  #relationship(user: SimUser, id: string): Json {
    return {
      id,
      following: user.follows.has(id),
      showing_reblogs: true,
      notifying: false,
      followed_by: false,
      blocking: user.blocks.has(id),
      blocked_by: false,
      muting: user.mutes.has(id),
      muting_notifications: user.mutes.has(id),
      muting_expires_at: null,
      requested: false,
      requested_by: false,
      domain_blocking: false,
      endorsed: false,
      note: '',
    };
  }

  #notification(n: SimUser['notifications'][number], viewer: SimUser): Json {
    const status = n.statusId ? this.world.statuses.get(n.statusId) : undefined;
    return {
      id: n.id,
      type: n.type,
      created_at: new Date(n.createdMs).toISOString(),
      group_key:
        n.type === 'favourite' || n.type === 'reblog' ? `${n.type}-${n.statusId}` : `ungrouped-${n.id}`,
      account: this.account(n.accountId),
      status: status ? this.status(status, viewer, 'notifications') : null,
    };
  }

  /** Issues an authorization code and returns where to send the browser with it. */
  #grant(params: Record<string, string | string[] | undefined>, userId: string): string {
    const code = randomBytes(24).toString('base64url');
    const redirectUri = one(params.redirect_uri)!;
    this.#grants.set(code, {
      code,
      clientId: one(params.client_id)!,
      userId,
      redirectUri,
      scopes: String(one(params.scope) ?? 'read').split(/\s+/),
      // Only a server that does PKCE keeps the challenge.
      challenge: this.flavour.oauth.pkce === 'enforce' ? (one(params.code_challenge) ?? null) : null,
      expiresMs: this.clock.now() + 10 * 60_000,
    });
    const target = new URL(redirectUri);
    const state = one(params.state);
    if (state !== undefined) target.searchParams.set('state', state);
    target.searchParams.set('code', code);
    return target.href;
  }

  #checkAuthorize(query: Record<string, string | string[] | undefined>): string | undefined {
    const app = this.#apps.get(one(query.client_id) ?? '');
    if (!app) return 'Client authentication failed due to unknown client.';
    if (one(query.response_type) !== 'code')
      return 'The authorization server does not support this response type.';
    if (!redirectMatches(app.redirectUris, one(query.redirect_uri) ?? ''))
      return 'The requested redirect uri is malformed or doesn’t match client redirect URI.';
    const scopes = (one(query.scope) ?? 'read').split(/\s+/);
    if (!scopes.every((s) => app.scopes.includes(s) || app.scopes.includes(s.split(':')[0]!)))
      return 'The requested scope is invalid, unknown, or malformed.';
    const challenge = one(query.code_challenge);
    if (challenge !== undefined && one(query.code_challenge_method) !== 'S256')
      return 'Code challenge method must be S256.';
    return undefined;
  }

  #session(request: FastifyRequest): string | undefined {
    const cookie = request.headers.cookie ?? '';
    const match = /(?:^|;\s*)_session_id=([^;]+)/.exec(cookie);
    return match ? this.#sessions.get(match[1]!) : undefined;
  }

  // ---- Streaming -----------------------------------------------------------------------------

  #upgrade(request: http.IncomingMessage, socket: import('node:stream').Duplex, head: Buffer): void {
    const url = new URL(request.url ?? '/', this.streamingUrl.replace('ws:', 'http:'));
    const reject = (code: number, message: string) => {
      socket.end(
        `HTTP/1.1 ${code} ${message}\r\nContent-Type: application/json\r\n\r\n${JSON.stringify({ error: message })}`,
      );
    };
    const flavour = this.flavour.streaming;
    if (this.faults.streamingDown || !flavour) return reject(503, 'Service Unavailable');
    if (url.pathname !== '/api/v1/streaming' && url.pathname !== '/api/v1/streaming/')
      return reject(404, 'Not Found');
    // Only where this server reads the token from.
    const offered = {
      protocol: request.headers['sec-websocket-protocol']?.split(',')[0]?.trim(),
      header: request.headers.authorization?.replace(/^Bearer /, ''),
      query: url.searchParams.get('access_token') ?? undefined,
    };
    const presented = flavour.token.map((where) => offered[where]).find((t) => t !== undefined);
    const token = this.#tokens.get(presented ?? '');
    if (!token || token.revoked) return reject(401, 'Error: Missing access token');
    this.#wss.handleUpgrade(request, socket, head, (ws) => {
      const entry = { ws, userId: token.userId, streams: new Set<string>() };
      const initial = this.#streamName(url.searchParams);
      if (initial) entry.streams.add(initial);
      this.#sockets.add(entry);
      ws.on('close', () => this.#sockets.delete(entry));
      ws.on('message', (data) => {
        try {
          const message = JSON.parse(String(data)) as Record<string, string>;
          const params = new URLSearchParams(message);
          const name = this.#streamName(params);
          if (!name) return;
          // Some servers accept a subscription they cannot open, and say nothing.
          if (!flavour.subscribable.has(name.split(':')[0]!)) return;
          if (message.type === 'subscribe') entry.streams.add(name);
          if (message.type === 'unsubscribe') entry.streams.delete(name);
        } catch {
          ws.send(JSON.stringify({ error: 'Could not parse message', status: 400 }));
        }
      });
    });
  }

  #streamName(params: URLSearchParams): string | undefined {
    const stream = params.get('stream');
    if (stream === 'user' || stream === 'public' || stream === 'public:local') return stream;
    if (stream === 'list' && params.get('list')) return `list:${params.get('list')}`;
    if (stream === 'hashtag' && params.get('tag')) return `hashtag:${params.get('tag')!.toLowerCase()}`;
    return undefined;
  }

  /** A payload as this server writes it: reshaped, with its ids. */
  #payload(kind: BodyKind, body: unknown, viewer: SimUser): string {
    const shaped = this.flavour.shape(kind, structuredClone(body), {
      domain: this.domain,
      viewerId: viewer.accountId,
    });
    return JSON.stringify(encodeIds(shaped, this.flavour.ids));
  }

  #broadcast(event: WorldEvent): void {
    const flavour = this.flavour.streaming;
    if (!flavour) return;
    for (const socket of this.#sockets) {
      const user = this.world.users.get(socket.userId);
      if (!user) continue;
      const send = (stream: string, name: string, payload: string) => {
        const kind = stream.split(':')[0]!;
        if (!flavour.delivers.has(kind)) return;
        this.stats.streamed++;
        const named = flavour.frameStream(stream.split(':'), name, this.flavour.ids.encode(user.accountId));
        socket.ws.send(
          JSON.stringify(named ? { stream: named, event: name, payload } : { event: name, payload }),
        );
      };
      if (event.type === 'delete') {
        for (const stream of socket.streams) send(stream, 'delete', this.flavour.ids.encode(event.statusId));
        continue;
      }
      if (event.type === 'notification') {
        if (event.userId === user.accountId && socket.streams.has('user')) {
          const notification = user.notifications.find((n) => n.id === event.notificationId);
          if (notification)
            send(
              'user',
              'notification',
              this.#payload('notification', this.#notification(notification, user), user),
            );
        }
        continue;
      }
      const status = event.status;
      if (!this.#visible(status, user)) continue;
      const payload = () => this.#payload('status', this.status(status, user, 'home'), user);
      if (event.type === 'update') {
        if (socket.streams.has('user') && user.home.includes(status.id))
          send('user', 'status.update', payload());
        continue;
      }
      if (socket.streams.has('user') && user.home.includes(status.id)) send('user', 'update', payload());
      for (const stream of socket.streams) {
        if (stream.startsWith('list:')) {
          const list = user.lists.find((l) => `list:${l.id}` === stream);
          if (list?.members.has(status.accountId)) send(stream, 'update', payload());
        } else if (stream.startsWith('hashtag:')) {
          if (this.world.inner(status).tags.includes(stream.slice(8)) && !status.reblogOf)
            send(stream, 'update', payload());
        } else if (stream === 'public' && !status.reblogOf && status.json.visibility === 'public') {
          send(stream, 'update', payload());
        }
      }
    }
  }
}

export type WorldEvent =
  | { type: 'status'; status: SimStatus }
  /** A status was edited. */
  | { type: 'update'; status: SimStatus }
  | { type: 'delete'; statusId: string }
  | { type: 'notification'; userId: string; notificationId: string };

/** The granular scopes a Mastodon 4.5 server knows, besides read, write, push, follow and profile. */
const SCOPES = [
  'read:accounts',
  'read:blocks',
  'read:bookmarks',
  'read:favourites',
  'read:filters',
  'read:follows',
  'read:lists',
  'read:mutes',
  'read:notifications',
  'read:search',
  'read:statuses',
  'write:accounts',
  'write:blocks',
  'write:bookmarks',
  'write:conversations',
  'write:favourites',
  'write:filters',
  'write:follows',
  'write:lists',
  'write:media',
  'write:mutes',
  'write:notifications',
  'write:reports',
  'write:statuses',
  'profile',
];

/**
 * Throws unless `body` parses with `schema` leaving nothing out: what the simulator renders as
 * Mastodon must be Mastodon exactly, so that a flavour's differences are the only ones.
 */
function checkServed(schema: z.ZodType, body: unknown): void {
  const result = schemas.parseLeniently(schema, body);
  if (!result.success) throw new Error(`simulator served an invalid entity: ${result.error.message}`);
  if (result.dropped.size > 0)
    throw new Error(`simulator served fields Corgi would drop: ${[...result.dropped.keys()].join(', ')}`);
}

export async function startSimulator(options: SimulatorOptions): Promise<Simulator> {
  return new Simulator(options).listen();
}
