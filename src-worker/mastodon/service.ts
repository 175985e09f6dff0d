/**
 * Everything Mastodon for the signed-in accounts, next to the database: sign-in and sign-out, and
 * for each account its HTTP client (with its own rate budget), the initial sync, the stream, and
 * the outbox. The renderer reaches it through `WorkerApi.mastodon`.
 */
import type { Engine } from '../engine';
import type { Account, MastodonAccountState, WorkerApi } from '../../src-shared/worker-api';
import { instanceSchema } from '../../src-shared/mastodon/entities';
import { AccountSync, SOURCES } from './account-sync';
import type { Clock } from './clock';
import { MastodonError, MastodonHttp } from './http';
import { OutboxSender, ingestRefresh } from './outbox-sender';
import { SignIn, type TokenVault } from './sign-in';
import type { HostVault as HostVaultStore } from '../../src-shared/host-api';
import { AccountStream } from './streaming';

const MAINTENANCE_MS = 15 * 60_000;
/** Whom each account follows is fetched again every six hours. */
const FOLLOWS_EVERY_ROUNDS = 24;

interface Running {
  account: Account;
  http: MastodonHttp;
  sync: AccountSync;
  stream?: AccountStream;
  state: MastodonAccountState;
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
    void this.#startAccount(account);
    return account;
  }

  async signOut(accountId: number): Promise<void> {
    const running = this.#running.get(accountId);
    running?.stream?.stop();
    running?.sync.stop();
    this.#running.delete(accountId);
    await (await this.#parts()).signIn.signOut(accountId);
  }

  /** Starts syncing every account that has a token, and the outbox: at app start. */
  async #resume(vault: TokenVault): Promise<void> {
    for (const account of await this.#options.api.accounts.list()) {
      if (account.state === 'active' && (await vault.getToken(account.id))) void this.#startAccount(account);
    }
    void this.#sender.run(this.#stop.signal);
  }

  status(): { accountId: number; acct: string; state: MastodonAccountState }[] {
    return [...this.#running.values()].map((r) => ({
      accountId: r.account.id,
      acct: r.account.acct,
      state: r.state,
    }));
  }

  /**
   * For "delete everything": stops every account, revokes and forgets its token, and wipes the
   * vault when it can be wiped whole (the web edition's).
   */
  async forgetEverything(): Promise<void> {
    if (!this.#ready) return;
    const { vault, signIn } = await this.#ready;
    for (const running of this.#running.values()) {
      running.stream?.stop();
      running.sync.stop();
    }
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
    for (const running of this.#running.values()) {
      running.stream?.stop();
      running.sync.stop();
    }
  }

  /**
   * In the background while the account runs: whom it follows, at once and then every few hours
   * (again at the next round when it failed); at once and every quarter of an hour, the server's
   * trending posts, and from then on the counts of the last two days' posts and any hole in the
   * home timeline. One step failing does not skip the others.
   */
  async #maintain(running: Running): Promise<void> {
    const { clock } = this.#options;
    const signal = this.#stop.signal;
    const alive = (): boolean => !signal.aborted && this.#running.get(running.account.id) === running;
    let followsDue = true;
    // Servers that do not run Mastodon's trends (or turned them off) answer 404: asked once.
    let trends = true;
    for (let round = 0; alive(); round++) {
      if (round > 0) {
        await clock.sleep(MAINTENANCE_MS, signal).catch(() => undefined);
        if (!alive()) return;
        if (round % FOLLOWS_EVERY_ROUNDS === 0) followsDue = true;
      }
      const steps: [string, () => Promise<unknown>][] = [];
      if (followsDue) steps.push(['follows', () => running.sync.refreshFollows(signal)]);
      if (trends) steps.push(['trends', () => running.sync.newest(SOURCES.trends, signal)]);
      if (round > 0) {
        steps.push(['counts', () => running.sync.refreshCounts(2, signal)]);
        steps.push(['gaps', () => running.sync.fillGaps(SOURCES.home, signal)]);
      }
      for (const [name, step] of steps) {
        try {
          await running.sync.guard(step);
          if (name === 'follows') followsDue = false;
        } catch (error) {
          if (error instanceof MastodonError && error.kind === 'unauthorized') {
            running.state = 'needs_sign_in';
            running.stream?.stop();
            return;
          }
          if (!alive()) return;
          if (name === 'trends' && error instanceof MastodonError && error.kind === 'not_found') {
            trends = false;
            continue;
          }
          console.warn(`corgi: refreshing ${name} for ${running.account.acct}:`, error);
        }
      }
    }
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
    const sync = new AccountSync({ api, http, accountId: account.id, clock });
    const running: Running = { account, http, sync, state: 'syncing' };
    this.#running.set(account.id, running);
    try {
      const home = await api.sync.cursor(account.id, SOURCES.home.name);
      if (home?.backfillDone) await sync.guard(() => sync.catchUp(SOURCES.home));
      const sources = Object.keys(await sync.initialSync(this.#stop.signal));
      const lists = sources.filter((n) => n.startsWith('list:')).map((n) => n.slice(5));
      const tags = sources.filter((n) => n.startsWith('tag:')).map((n) => n.slice(4));
      const instance = instanceSchema.safeParse((await http.request({ path: '/api/v2/instance' })).body);
      const streamingUrl = instance.success ? instance.data.configuration.urls.streaming : undefined;
      const token = await vault.getToken(account.id);
      if (streamingUrl && token) {
        running.stream = new AccountStream({
          api,
          sync,
          accountId: account.id,
          streamingUrl,
          token,
          lists,
          tags,
          onState: (state) => {
            running.state = state === 'live' ? 'live' : state === 'closed' ? 'stopped' : 'syncing';
          },
          onError: (error) => console.warn(`corgi: streaming for ${account.acct}:`, error),
        });
        running.stream.start();
      } else running.state = 'live';
      this.#sender.kick();
      void this.#maintain(running);
    } catch (error) {
      running.state =
        error instanceof MastodonError && error.kind === 'unauthorized' ? 'needs_sign_in' : 'error';
    }
  }
}
