/**
 * What makes one kind of server different from current Mastodon, as the simulator serves it.
 *
 * The simulator renders every entity in Mastodon's shape (and checks it against Corgi's schemas);
 * a flavour then reshapes it as its server would (fields left out, `null`s, extra fields, other
 * enumeration values, other ids), says which endpoints the server lacks and how it answers them,
 * how it signs in, throttles and streams. Every difference is listed in the flavour's `differences`
 * table with where it was read.
 */
import type { RateLimitConfig } from '../rate-limits';
import type { IdCodec } from './ids';

export type Json = Record<string, unknown>;

export type FlavourName = 'mastodon' | 'mastodon-4.2' | 'gotosocial' | 'akkoma' | 'pleroma';

export interface Difference {
  /** The entity, endpoint or behaviour: "Status.card", "GET /api/v2/notifications", "streaming". */
  what: string;
  /** How this server differs from Mastodon 4.5. */
  how: string;
  /** Where it was read: a file and commit, or a documentation page. */
  source: string;
}

/** What the server answers for an endpoint it does not have. */
export interface MissingAnswer {
  status: number;
  contentType: string;
  body: string;
}

/** The kinds of body the simulator serves, for a flavour to reshape. */
export type BodyKind =
  | 'status'
  | 'statuses'
  | 'account'
  | 'credential_account'
  | 'accounts'
  | 'notification'
  | 'notifications'
  | 'grouped_notifications'
  | 'context'
  | 'lists'
  | 'filters_v2'
  | 'filters_v1'
  | 'markers'
  | 'relationships'
  | 'relationship'
  | 'poll'
  | 'search'
  | 'tags';

export interface ShapeContext {
  /** The served instance's domain (for what is local). */
  domain: string;
  /** The signed-in user's account id (the world's). */
  viewerId?: string;
}

export interface StreamingFlavour {
  /** The `stream` of a frame, from Mastodon's (`["list", "42"]`); undefined leaves the key out. */
  frameStream(stream: string[], event: string, viewerId: string): string[] | undefined;
  /** Where the server reads the token from. */
  token: readonly ('protocol' | 'query' | 'header')[];
  /** Stream kinds a `subscribe` message can open ("user", "list", "hashtag", "public"). */
  subscribable: ReadonlySet<string>;
  /** Stream kinds that ever carry events. */
  delivers: ReadonlySet<string>;
}

export interface Flavour {
  name: FlavourName;
  /** "Mastodon 4.5", "GoToSocial 0.20"… */
  title: string;
  /** The instance documents' `version`. */
  version: string;
  /** NodeInfo's `software`. */
  software: { name: string; version: string };
  differences: readonly Difference[];
  ids: IdCodec;
  /**
   * What the server answers in place of the simulator's route (checked before authentication):
   * the 404, 405 or 501 of an endpoint it does not have, or the stub it serves; undefined to serve
   * the route.
   */
  answer(method: string, path: string, query: Record<string, unknown>): MissingAnswer | undefined;
  /** The v2 instance document from Mastodon's; null when the server has none. */
  instanceV2(mastodon: Json): Json | null;
  instanceV1(mastodon: Json): Json;
  /** Reshapes a Mastodon-shaped body. */
  shape(kind: BodyKind, body: unknown, context: ShapeContext): unknown;
  /** What a request with no token, or a revoked one, gets. */
  unauthorized: { status: number; body: Json };
  oauth: {
    /** `/.well-known/oauth-authorization-server`: served, missing (404), or the web app's HTML. */
    discovery: 'json' | 'missing' | 'html';
    /** enforce: the verifier must match; ignore: PKCE parameters are ignored; refuse-verifier:
     * the challenge is dropped and a token request that brings a verifier is refused. */
    pkce: 'enforce' | 'ignore' | 'refuse-verifier';
  };
  /** Whether responses carry X-RateLimit-* headers. */
  rateLimitHeaders: boolean;
  /** The throttles, when not Mastodon's. */
  limits?: RateLimitConfig;
  /** The body of a 429. */
  throttled: Json;
  /** The query parameter that picks notification types. */
  notificationTypesParam: 'types' | 'include_types';
  /** The query parameter of `GET /api/v1/statuses` that lists ids. */
  statusBatchParam: 'id' | 'ids';
  /** Whether visibility is checked after a page is read, so pages can be short while more follow. */
  visibilityAfterPaging: boolean;
  /** Which marker timelines it keeps. */
  markerTimelines: readonly string[];
  /** Whether the Async-Refresh header of a regenerating home feed is sent (Mastodon 4.4+). */
  asyncRefresh: boolean;
  streaming: StreamingFlavour | null;
}

export const json = (body: unknown): MissingAnswer => ({
  status: 404,
  contentType: 'application/json; charset=utf-8',
  body: JSON.stringify(body),
});

/** Deletes keys from an object in place; returns it. */
export function omit<T extends Json>(object: T, ...keys: string[]): T {
  for (const key of keys) delete object[key];
  return object;
}

/** Applies `each` to every status in a status-bearing body, the boosted and quoted ones included. */
export function eachStatus(
  kind: BodyKind,
  body: unknown,
  each: (status: Json, nested: boolean) => void,
): void {
  const visit = (status: unknown, nested: boolean) => {
    if (!status || typeof status !== 'object') return;
    const s = status as Json;
    each(s, nested);
    if (s.reblog) visit(s.reblog, true);
    const quote = s.quote as Json | null | undefined;
    if (quote && typeof quote === 'object' && quote.quoted_status) visit(quote.quoted_status, true);
  };
  if (kind === 'status') visit(body, false);
  else if (kind === 'statuses') for (const s of body as unknown[]) visit(s, false);
  else if (kind === 'context')
    for (const s of [
      ...((body as Json).ancestors as unknown[]),
      ...((body as Json).descendants as unknown[]),
    ])
      visit(s, false);
  else if (kind === 'notification') visit((body as Json).status, false);
  else if (kind === 'notifications') for (const n of body as Json[]) visit(n.status, false);
  else if (kind === 'grouped_notifications' || kind === 'search')
    for (const s of (body as Json).statuses as unknown[]) visit(s, false);
}

/** Applies `each` to every account in a body: authors, boosters, mentions are not accounts. */
export function eachAccount(kind: BodyKind, body: unknown, each: (account: Json) => void): void {
  if (kind === 'account' || kind === 'credential_account') each(body as Json);
  else if (kind === 'accounts') for (const a of body as Json[]) each(a);
  else if (kind === 'grouped_notifications' || kind === 'search')
    for (const a of (body as Json).accounts as Json[]) each(a);
  if (kind === 'notification') each((body as Json).account as Json);
  if (kind === 'notifications') for (const n of body as Json[]) each(n.account as Json);
  eachStatus(kind, body, (status) => {
    if (status.account && typeof status.account === 'object') each(status.account as Json);
  });
}
