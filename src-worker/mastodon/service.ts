/**
 * Everything Mastodon for the signed-in accounts, next to the database: sign-in and sign-out, and
 * for each account its HTTP client (with its own rate budget), the initial sync, the stream, and
 * the outbox. The renderer reaches it through `WorkerApi.mastodon`.
 */
import type { Engine } from '../engine';
import type {
  Account,
  MastodonAccountStatus,
  ProfileView,
  RelationAction,
  RelationshipView,
  ServerSearchResult,
  WorkerApi,
} from '../../src-shared/worker-api';
import { fetchProfile, relate, searchServer, statusSource, type PeopleOptions } from './people';
import { AccountRunner } from './account-runner';
import { AccountSync } from './account-sync';
import type { Clock } from './clock';
import { MastodonHttp } from './http';
import { EngineError } from '../errors';
import { OutboxSender, ingestRefresh } from './outbox-sender';
import { SignIn, type TokenVault } from './sign-in';
import type { HostVault as HostVaultStore } from '../../src-shared/host-api';

/** How soon a reading position moved here is sent (moves meanwhile go with it). */
const MARKERS_SOON_MS = 5000;

interface Running {
  account: Account;
  http: MastodonHttp;
  sync: AccountSync;
  runner: AccountRunner;
}

export interface MastodonServiceOptions {
  engine: Engine;
  api: WorkerApi;
  /** The vault to keep tokens in: the host's when it offers one (the desktop), else the platform's. */
  openVault: (host?: HostVaultStore) => Promise<TokenVault>;
  clock: Clock;
  /** Where the server sends the browser back to after approving. */
  redirectUri: string;
  fetch?: typeof fetch;
  /** Servers reached over plain http (the simulator, a local test server); https otherwise. */
  insecureHosts?: readonly string[];
  /** The platform's WebSocket, for tests that count sockets. */
  WebSocket?: typeof WebSocket;
}

export class MastodonService {
  readonly #options: MastodonServiceOptions;
  readonly #running = new Map<number, Running>();
  readonly #sender: OutboxSender;
  readonly #stop = new AbortController();
  /** Each account's server origin, learnt at sign-in (hosts alone do not say http or https). */
  readonly #origins = new Map<string, string>();
  #ready: Promise<{ vault: TokenVault; signIn: SignIn }> | undefined;

  constructor(options: MastodonServiceOptions) {
    this.#options = options;
    this.#sender = new OutboxSender({
      engine: options.engine,
      clock: options.clock,
      httpFor: (accountId) => this.#running.get(accountId)?.http ?? null,
      ingest: ingestRefresh(options.api),
    });
  }

  /** Opens the vault and starts every account that has a token; later calls change nothing. */
  start(options: { vault?: HostVaultStore } = {}): Promise<void> {
    this.#ready ??= this.#options.openVault(options.vault).then((vault) => {
      const signIn = new SignIn({
        api: this.#options.api,
        vault,
        redirectUri: this.#options.redirectUri,
        fetch: this.#options.fetch,
      });
      void this.#resume(vault);
      return { vault, signIn };
    });
    return this.#ready.then(() => undefined);
  }

  async #parts(): Promise<{ vault: TokenVault; signIn: SignIn }> {
    if (!this.#ready) await this.start();
    return this.#ready!;
  }

  async startSignIn(
    instance: string,
    options: { redirectUri?: string; state?: string } = {},
  ): Promise<{ url: string }> {
    const { url } = await (await this.#parts()).signIn.start(instance, options);
    return { url };
  }

  async finishSignIn(callbackUrl: string): Promise<Account> {
    const { signIn, vault } = await this.#parts();
    const account = await signIn.finish(callbackUrl);
    const app = await vault.getApp(account.instance);
    if (app) this.#origins.set(account.instance, app.instanceUrl);
    // Signing in again after the server refused the token starts the account afresh.
    const previous = this.#running.get(account.id);
    if (previous?.runner.stopped) this.#running.delete(account.id);
    void this.#startAccount(account);
    return account;
  }

  async signOut(accountId: number): Promise<void> {
    this.#running.get(accountId)?.runner.stop();
    this.#running.delete(accountId);
    await (await this.#parts()).signIn.signOut(accountId);
  }

  /** Starts syncing every account that has a token, and the outbox: at app start. */
  async #resume(vault: TokenVault): Promise<void> {
    for (const account of await this.#options.api.accounts.list()) {
      if (account.state !== 'needs_sign_in' && (await vault.getToken(account.id)))
        void this.#startAccount(account);
    }
    void this.#sender.run(this.#stop.signal);
  }

  /**
   * Completes a post's thread from the server of an account that saw it (the default account's
   * first, then any running one); how many posts the server sent.
   */
  async fetchThread(statusId: number): Promise<number> {
    const refs = await this.#options.engine.read((tx) =>
      tx.all<{ account_id: number; remote_id: string }>(
        `SELECT r.account_id, r.remote_id FROM status_refs r JOIN accounts a ON a.id = r.account_id
          WHERE r.status_id = ? ORDER BY a.is_default DESC, a.id`,
        [statusId],
      ),
    );
    const ref = refs.find((r) => {
      const state = this.#running.get(r.account_id)?.runner.state;
      return state !== undefined && state !== 'needs_sign_in' && state !== 'stopped';
    });
    if (!ref)
      throw new EngineError('not_found', 'None of your signed-in accounts has this post on its server.');
    const { sync } = this.#running.get(ref.account_id)!;
    // A refused token found here marks the account as the sync's own requests would.
    return sync.guard(() => sync.fetchThread(ref.remote_id));
  }

  /**
   * A running account to ask the server of: the one named, else the default account, else the first
   * signed-in one.
   */
  async #people(accountId?: number): Promise<PeopleOptions & { sync: AccountSync }> {
    const usable = (r: Running | undefined) =>
      r !== undefined && r.runner.state !== 'needs_sign_in' && r.runner.state !== 'stopped';
    let running: Running | undefined;
    if (accountId !== undefined) {
      running = this.#running.get(accountId);
      if (!usable(running))
        throw new EngineError('not_found', 'That account is not signed in: sign in again to use it.');
    } else {
      const accounts = await this.#options.api.accounts.list();
      const ordered = [...accounts].sort((a, b) => Number(b.isDefault) - Number(a.isDefault) || a.id - b.id);
      running = ordered.map((a) => this.#running.get(a.id)).find(usable);
      if (!running) throw new EngineError('not_found', 'None of your accounts is signed in.');
    }
    const { account, http, sync } = running!;
    return { api: this.#options.api, http, accountId: account.id, instance: account.instance, sync };
  }

  /** Someone's profile and newest posts, from the server of one of the person's accounts. */
  async profile(acct: string, accountId?: number): Promise<ProfileView> {
    const people = await this.#people(accountId);
    return people.sync.guard(() => fetchProfile(people, acct));
  }

  /** Follows, mutes or blocks someone through one of the person's accounts (or undoes it). */
  async relate(input: {
    accountId: number;
    acct: string;
    action: RelationAction;
  }): Promise<RelationshipView> {
    const people = await this.#people(input.accountId);
    return people.sync.guard(() => relate(people, input.acct, input.action));
  }

  /** The default account's server's search. */
  async searchServer(query: string): Promise<ServerSearchResult> {
    const people = await this.#people();
    return people.sync.guard(() => searchServer(people, query));
  }

  /** One of the person's own posts as written, from the server of the account that wrote it. */
  async statusSource(statusId: number): Promise<{ text: string; spoilerText: string }> {
    const refs = await this.#options.engine.read((tx) =>
      tx.all<{ account_id: number; remote_id: string }>(
        `SELECT r.account_id, r.remote_id FROM status_refs r
           JOIN accounts a ON a.id = r.account_id
           JOIN statuses s ON s.id = r.status_id
           JOIN authors au ON au.id = s.author_id AND au.acct = a.acct
          WHERE r.status_id = ?`,
        [statusId],
      ),
    );
    const ref = refs.find((r) => this.#running.has(r.account_id));
    if (!ref) throw new EngineError('not_found', 'The account that wrote this post is not signed in.');
    const people = await this.#people(ref.account_id);
    return people.sync.guard(() => statusSource(people, ref.remote_id));
  }

  /** Each running account's state, what its server lacks, and the steps that are failing. */
  async status(): Promise<MastodonAccountStatus[]> {
    const { api } = this.#options;
    const out: MastodonAccountStatus[] = [];
    for (const { account, runner, http } of this.#running.values()) {
      const [features, steps] = await Promise.all([
        api.servers.features(account.id),
        api.servers.steps(account.id),
      ]);
      out.push({
        accountId: account.id,
        acct: account.acct,
        state: runner.state,
        reason: runner.reason,
        server: runner.server ?? (await api.servers.info(account.id)),
        featuresOff: features.filter((f) => !f.available),
        failingSteps: steps.filter((s) => s.failures > 0),
        pausedUntil: http.budget.pausedUntil,
      });
    }
    return out;
  }

  /**
   * Whether the app's window is in front: accounts without a live stream are polled every minute
   * while it is, and every five minutes while it is not.
   */
  setForeground(foreground: boolean): void {
    if (foreground === this.#foreground) return;
    this.#foreground = foreground;
    if (foreground) for (const { runner } of this.#running.values()) runner.wake();
  }

  #foreground = true;

  /** The person read further: each account's server hears of it within a few seconds. */
  kickMarkers(): void {
    for (const { runner } of this.#running.values()) runner.runSoon('markers', MARKERS_SOON_MS);
  }

  /** Tries an account's failing steps, or its unreachable server, again now. */
  retryNow(accountId: number): void {
    this.#running.get(accountId)?.runner.retryNow();
  }

  /**
   * For "delete everything": stops every account, revokes and forgets its token, and wipes the
   * vault when it can be wiped whole (the web edition's).
   */
  async forgetEverything(): Promise<void> {
    if (!this.#ready) return;
    const { vault, signIn } = await this.#ready;
    for (const running of this.#running.values()) running.runner.stop();
    this.#running.clear();
    for (const account of await this.#options.api.accounts.list()) {
      await signIn.signOut(account.id, { keepPosts: true }).catch(() => undefined);
    }
    const wipe = (vault as TokenVault & { clear?: () => Promise<void> }).clear;
    if (wipe) {
      await wipe.call(vault);
      // The next sign-in opens a fresh vault.
      this.#ready = undefined;
    }
  }

  /** An action was queued: send it now rather than at the next tick. */
  kick(): void {
    this.#sender.kick();
  }

  stop(): void {
    this.#stop.abort();
    for (const running of this.#running.values()) running.runner.stop();
  }

  async #origin(account: Account, vault: TokenVault): Promise<string> {
    const known = this.#origins.get(account.instance);
    if (known) return known;
    const app = await vault.getApp(account.instance);
    const insecure = this.#options.insecureHosts?.includes(account.instance);
    return app?.instanceUrl ?? `${insecure ? 'http' : 'https'}://${account.instance}`;
  }

  async #startAccount(account: Account): Promise<void> {
    if (this.#running.has(account.id)) return;
    const { api, clock } = this.#options;
    const { vault } = await this.#parts();
    const http = new MastodonHttp({
      baseUrl: await this.#origin(account, vault),
      token: () => vault.getToken(account.id),
      clock,
      fetch: this.#options.fetch,
    });
    http.budget.onPause = () => this.#options.engine.announceSyncState();
    const sync = new AccountSync({ api, http, accountId: account.id, clock });
    const runner = new AccountRunner({
      api,
      account,
      http,
      sync,
      clock,
      token: () => vault.getToken(account.id),
      foreground: () => this.#foreground,
      WebSocket: this.#options.WebSocket,
      onState: (state) => {
        this.#options.engine.announceSyncState();
        // Actions wait for an account that works: send them as soon as it does.
        if (state === 'live' || state === 'polling') this.#sender.kick();
      },
    });
    this.#running.set(account.id, { account, http, sync, runner });
    await runner.run().catch((error: unknown) => console.warn(`corgi: ${account.acct}:`, error));
  }
}
