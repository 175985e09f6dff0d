/**
 * Signing accounts in and out: one app registration per server (kept, never re-registered), the
 * browser step handed to the platform (system browser with a loopback redirect on the desktop, a
 * page redirect on the web), the token kept in the platform's vault and nowhere else, and the
 * account stored in the database without it. Several accounts on several servers, and two on one
 * server (the second sign-in forces the server's login page), are all just accounts.
 */
import { credentialAccountSchema } from '../../src-shared/mastodon/entities';
import type { Account, WorkerApi } from '../../src-shared/worker-api';
import {
  beginSignIn,
  exchangeCode,
  instanceOrigin,
  readCallback,
  registerApp,
  revokeToken,
  type AppRegistration,
  type PendingSignIn,
} from './oauth';

export type { PendingSignIn };

/** Where tokens and app registrations live: the OS keychain on the desktop, WebCrypto on the web. */
export interface TokenVault {
  getToken(accountId: number): Promise<string | null>;
  setToken(accountId: number, token: string): Promise<void>;
  deleteToken(accountId: number): Promise<void>;
  /** The app registered with a server, by its host (e.g. "mastodon.social"). */
  getApp(host: string): Promise<AppRegistration | null>;
  setApp(app: AppRegistration): Promise<void>;
  /** A sign-in waiting for its callback: kept across the page redirect of the web edition. */
  savePending(pending: PendingSignIn): Promise<void>;
  /** The waiting sign-in with this state, removed as it is taken; null when there is none. */
  takePending(state: string): Promise<PendingSignIn | null>;
}

export interface SignInOptions {
  api: WorkerApi;
  vault: TokenVault;
  /** Where the server sends the browser back to (a loopback URL on the desktop). */
  redirectUri: string;
  fetch?: typeof fetch;
}

export class SignInError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SignInError';
  }
}

export class SignIn {
  readonly #options: SignInOptions;

  constructor(options: SignInOptions) {
    this.#options = options;
  }

  async #app(instance: string): Promise<AppRegistration> {
    const origin = instanceOrigin(instance);
    const known = await this.#options.vault.getApp(new URL(origin).host);
    if (known && known.redirectUri === this.#options.redirectUri) return known;
    const app = await registerApp({
      instance: origin,
      redirectUri: this.#options.redirectUri,
      fetch: this.#options.fetch,
    });
    await this.#options.vault.setApp(app);
    return app;
  }

  /**
   * The address to open in a browser. When an account on this server is already signed in, the
   * server is asked to show its login form again, so a second account can be chosen. The desktop
   * passes its loopback listener's redirect (same host and path, its own port) and the state the
   * listener waits for.
   */
  async start(
    instance: string,
    options: { redirectUri?: string; state?: string } = {},
  ): Promise<{ url: string; state: string }> {
    const app = await this.#app(instance);
    const host = new URL(app.instanceUrl).host;
    const accounts = await this.#options.api.accounts.list();
    const forceLogin = accounts.some((a) => a.instance === host);
    const { url, pending } = await beginSignIn(app, {
      forceLogin,
      redirectUri: options.redirectUri,
      state: options.state,
    });
    await this.#options.vault.savePending(pending);
    return { url, state: pending.state };
  }

  /** Finishes a sign-in from the URL the browser was sent back to. */
  async finish(callbackUrl: string): Promise<Account> {
    const state = new URL(callbackUrl).searchParams.get('state') ?? '';
    const pending = await this.#options.vault.takePending(state);
    if (!pending)
      throw new SignInError('This sign-in answer does not match a sign-in in progress; nothing was changed.');
    const code = readCallback(callbackUrl, pending);
    const app = await this.#app(pending.instanceUrl);
    const token = await exchangeCode(app, pending, code, this.#options.fetch);
    const fetchImpl = this.#options.fetch ?? fetch;
    const response = await fetchImpl(`${app.instanceUrl}/api/v1/accounts/verify_credentials`, {
      headers: { Authorization: `Bearer ${token.access_token}`, Accept: 'application/json' },
    });
    const me = credentialAccountSchema.safeParse(await response.json().catch(() => null));
    if (!response.ok || !me.success)
      throw new SignInError(`${new URL(app.instanceUrl).host} did not say who signed in.`);
    const host = new URL(app.instanceUrl).host;
    const accounts = await this.#options.api.accounts.list();
    const account = await this.#options.api.accounts.upsert({
      instance: host,
      remoteId: me.data.id,
      acct: me.data.acct.includes('@') ? me.data.acct : `${me.data.acct}@${host}`,
      displayName: me.data.display_name || me.data.username,
      avatarUrl: me.data.avatar,
      isDefault: accounts.length === 0,
    });
    await this.#options.vault.setToken(account.id, token.access_token);
    return account;
  }

  /** Revokes the token (when the server can be reached) and forgets the account's credentials. */
  async signOut(accountId: number, options: { keepPosts?: boolean } = {}): Promise<void> {
    const account = (await this.#options.api.accounts.list()).find((a) => a.id === accountId);
    if (!account) return;
    const token = await this.#options.vault.getToken(accountId);
    const app = await this.#options.vault.getApp(account.instance);
    // Signing out works offline too; the token is then only forgotten here.
    if (token && app) await revokeToken(app, token, this.#options.fetch).catch(() => undefined);
    await this.#options.vault.deleteToken(accountId);
    if (!options.keepPosts) await this.#options.api.accounts.remove(accountId);
    else await this.#options.api.accounts.setState(accountId, 'needs_sign_in');
  }
}

/** A vault in memory, for the command line and tests; the app's vaults persist encrypted. */
export class MemoryVault implements TokenVault {
  readonly tokens = new Map<number, string>();
  readonly apps = new Map<string, AppRegistration>();
  readonly pending = new Map<string, PendingSignIn>();
  async getToken(accountId: number) {
    return this.tokens.get(accountId) ?? null;
  }
  async setToken(accountId: number, token: string) {
    this.tokens.set(accountId, token);
  }
  async deleteToken(accountId: number) {
    this.tokens.delete(accountId);
  }
  async getApp(host: string) {
    return this.apps.get(host) ?? null;
  }
  async setApp(app: AppRegistration) {
    this.apps.set(new URL(app.instanceUrl).host, app);
  }
  async savePending(pending: PendingSignIn) {
    this.pending.set(pending.state, pending);
  }
  async takePending(state: string) {
    const pending = this.pending.get(state) ?? null;
    this.pending.delete(state);
    return pending;
  }
}
