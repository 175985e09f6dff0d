/**
 * Signing in to a Mastodon server: app registration (once per install and server), the
 * authorization-code flow with PKCE (S256) and `state`, the token exchange, and revocation on
 * sign-out, in plain `fetch` and WebCrypto (masto.js has no PKCE helper). The worker runs it; the
 * desktop shell only opens the system browser and hands back the loopback callback's URL, and the
 * web edition redirects the page and hands back its own URL.
 */
import { z } from 'zod';
import {
  authServerMetadataSchema,
  credentialApplicationSchema,
  tokenSchema,
  type MastodonToken,
} from '../../src-shared/mastodon/entities';

/** What Corgi asks for: reading everything it ranks, and the actions it offers. */
export const CORGI_SCOPES = [
  'read:statuses',
  'read:lists',
  'read:notifications',
  'read:favourites',
  'read:bookmarks',
  'read:follows',
  'read:filters',
  'read:accounts',
  'write:favourites',
  'write:bookmarks',
  'write:statuses',
].join(' ');

export type OAuthErrorKind = 'unreachable' | 'rejected' | 'state_mismatch' | 'denied' | 'malformed';

export class OAuthError extends Error {
  constructor(
    readonly kind: OAuthErrorKind,
    message: string,
    /** The HTTP status of the answer, when there was one. */
    readonly status: number | null = null,
  ) {
    super(message);
    this.name = 'OAuthError';
  }
}

export interface AppRegistration {
  /** The server's origin, e.g. https://mastodon.social. */
  instanceUrl: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  scopes: string;
  authorizeEndpoint: string;
  tokenEndpoint: string;
  revokeEndpoint: string;
  /**
   * Whether the server announced PKCE (S256) in its discovery document (Mastodon 4.3+). Others
   * get neither challenge nor verifier: GoToSocial drops the challenge and then refuses a verifier
   * ("missing code verifier"), using up the code. Registrations kept from before this was
   * recorded have none, and keep using PKCE as they did.
   */
  pkce?: boolean;
}

/** What must survive between opening the browser and receiving the callback; never logged. */
export interface PendingSignIn {
  instanceUrl: string;
  state: string;
  verifier: string;
  redirectUri: string;
}

type Fetch = typeof fetch;

/** Accepts "mastodon.social", "https://mastodon.social/" or "@me@mastodon.social"; returns the origin. */
export function instanceOrigin(input: string): string {
  let text = input.trim();
  const handle = /^@?[^@\s]+@([^@\s/]+)$/.exec(text);
  if (handle) text = handle[1]!;
  if (!/^https?:\/\//i.test(text)) text = `https://${text}`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new OAuthError('rejected', `"${input}" is not a server address.`);
  }
  if (!url.hostname.includes('.') && url.hostname !== 'localhost')
    throw new OAuthError('rejected', `"${input}" is not a server address.`);
  return url.origin;
}

function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function randomString(bytes = 32): string {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

export async function pkceChallenge(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

async function call<T>(fetchImpl: Fetch, url: string, init: RequestInit, schema: z.ZodType<T>): Promise<T> {
  let response: Response;
  try {
    response = await fetchImpl(url, { ...init, headers: { Accept: 'application/json', ...init.headers } });
  } catch (error) {
    throw new OAuthError(
      'unreachable',
      `${new URL(url).host} could not be reached (${(error as Error).message}).`,
    );
  }
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new OAuthError(
      'malformed',
      `${new URL(url).host} answered ${response.status} without JSON.`,
      response.status,
    );
  }
  if (!response.ok) {
    const said = body as { error?: string; error_description?: string };
    throw new OAuthError(
      'rejected',
      `${new URL(url).host} refused: ${said.error_description ?? said.error ?? `HTTP ${response.status}`}`,
      response.status,
    );
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success)
    throw new OAuthError(
      'malformed',
      `${new URL(url).host} answered in an unexpected shape: ${parsed.error.issues[0]?.message}`,
    );
  return parsed.data;
}

/** Registers Corgi with a server. Servers before 4.3 have no discovery document: their paths are fixed. */
export async function registerApp(options: {
  instance: string;
  redirectUri: string;
  clientName?: string;
  website?: string;
  fetch?: Fetch;
}): Promise<AppRegistration> {
  const fetchImpl = options.fetch ?? fetch;
  const origin = instanceOrigin(options.instance);
  let endpoints = {
    authorizeEndpoint: `${origin}/oauth/authorize`,
    tokenEndpoint: `${origin}/oauth/token`,
    revokeEndpoint: `${origin}/oauth/revoke`,
    registerEndpoint: `${origin}/api/v1/apps`,
  };
  let pkce: boolean | undefined = false;
  try {
    const metadata = await call(
      fetchImpl,
      `${origin}/.well-known/oauth-authorization-server`,
      {},
      authServerMetadataSchema,
    );
    endpoints = {
      authorizeEndpoint: metadata.authorization_endpoint,
      tokenEndpoint: metadata.token_endpoint,
      revokeEndpoint: metadata.revocation_endpoint ?? endpoints.revokeEndpoint,
      registerEndpoint: metadata.app_registration_endpoint ?? endpoints.registerEndpoint,
    };
    pkce = metadata.code_challenge_methods_supported.includes('S256');
  } catch (error) {
    if ((error as OAuthError).kind === 'unreachable') throw error;
    // No discovery document (a 404, or a web app's page in its place): no PKCE. A server in
    // trouble (5xx) says nothing either way: PKCE is offered, as before servers announced it.
    const status = (error as OAuthError).status;
    if (status !== null && status >= 500) pkce = undefined;
  }
  const app = await call(
    fetchImpl,
    endpoints.registerEndpoint,
    {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        client_name: options.clientName ?? 'Corgi',
        redirect_uris: [options.redirectUri],
        scopes: CORGI_SCOPES,
        website: options.website,
      }),
    },
    credentialApplicationSchema,
  );
  return {
    instanceUrl: origin,
    clientId: app.client_id,
    clientSecret: app.client_secret,
    redirectUri: options.redirectUri,
    scopes: CORGI_SCOPES,
    authorizeEndpoint: endpoints.authorizeEndpoint,
    tokenEndpoint: endpoints.tokenEndpoint,
    revokeEndpoint: endpoints.revokeEndpoint,
    pkce,
  };
}

/**
 * The address to open in the browser, and what to keep until the callback. `forceLogin` lets the
 * person sign in as someone else: needed for a second account on the same server.
 */
export async function beginSignIn(
  app: AppRegistration,
  options: { forceLogin?: boolean; redirectUri?: string; state?: string } = {},
): Promise<{ url: string; pending: PendingSignIn }> {
  const redirectUri = options.redirectUri ?? app.redirectUri;
  const pending: PendingSignIn = {
    instanceUrl: app.instanceUrl,
    state: options.state ?? randomString(16),
    verifier: randomString(32),
    redirectUri,
  };
  const url = new URL(app.authorizeEndpoint);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: app.clientId,
    redirect_uri: redirectUri,
    scope: app.scopes,
    state: pending.state,
    ...(app.pkce !== false
      ? { code_challenge: await pkceChallenge(pending.verifier), code_challenge_method: 'S256' }
      : {}),
    ...(options.forceLogin ? { force_login: 'true' } : {}),
  }).toString();
  return { url: url.href, pending };
}

/** The code from the redirect, once its `state` proves it answers our own request. */
export function readCallback(callbackUrl: string, pending: PendingSignIn): string {
  const params = new URL(callbackUrl).searchParams;
  if (params.get('state') !== pending.state)
    throw new OAuthError(
      'state_mismatch',
      'The sign-in answer does not belong to this sign-in; nothing was changed.',
    );
  const error = params.get('error');
  if (error)
    throw new OAuthError(
      'denied',
      error === 'access_denied' ? 'Access was not granted.' : `The server said: ${error}`,
    );
  const code = params.get('code');
  if (!code) throw new OAuthError('malformed', 'The sign-in answer has no code.');
  return code;
}

export async function exchangeCode(
  app: AppRegistration,
  pending: PendingSignIn,
  code: string,
  fetchImpl: Fetch = fetch,
): Promise<MastodonToken> {
  return call(
    fetchImpl,
    app.tokenEndpoint,
    {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        client_id: app.clientId,
        client_secret: app.clientSecret,
        redirect_uri: pending.redirectUri,
        ...(app.pkce !== false ? { code_verifier: pending.verifier } : {}),
        scope: app.scopes,
      }),
    },
    tokenSchema,
  );
}

/** Revokes a token on sign-out. Already revoked or unknown tokens are not an error. */
export async function revokeToken(
  app: AppRegistration,
  token: string,
  fetchImpl: Fetch = fetch,
): Promise<void> {
  await call(
    fetchImpl,
    app.revokeEndpoint,
    {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: app.clientId, client_secret: app.clientSecret, token }),
    },
    z.unknown(),
  );
}
