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
import { AccountStream } from './streaming';

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
  vault: TokenVault;
  clock: Clock;
  /** Where the server sends the browser back to after approving. */
  redirectUri: string;
  fetch?: typeof fetch;
  /** Servers reached over plain http (the simulator, a local test server); https otherwise. */
  insecureHosts?: readonly string[];
}

export class MastodonService {
  readonly #options: MastodonServiceOptions;
  readonly #signIn: SignIn;
  readonly #running = new Map<number, Running>();
  readonly #sender: OutboxSender;
  readonly #stop = new AbortController();
  /** Each account's server origin, learnt at sign-in (hosts alone do not say http or https). */
  readonly #origins = new Map<string, string>();

  constructor(options: MastodonServiceOptions) {
    this.#options = options;
    this.#signIn = new SignIn({
      api: options.api,
      vault: options.vault,
      redirectUri: options.redirectUri,
      fetch: options.fetch,
    });
    this.#sender = new OutboxSender({
      engine: options.engine,
      clock: options.clock,
      httpFor: (accountId) => this.#running.get(accountId)?.http ?? null,
      ingest: ingestRefresh(options.api),
    });
  }

  async startSignIn(instance: string): Promise<{ url: string }> {
    const { url } = await this.#signIn.start(instance);
    return { url };
  }

  async finishSignIn(callbackUrl: string): Promise<Account> {
    const account = await this.#signIn.finish(callbackUrl);
    const app = await this.#options.vault.getApp(account.instance);
    if (app) this.#origins.set(account.instance, app.instanceUrl);
    void this.#startAccount(account);
    return account;
  }

  async signOut(accountId: number): Promise<void> {
    const running = this.#running.get(accountId);
    running?.stream?.stop();
    running?.sync.stop();
    this.#running.delete(accountId);
    await this.#signIn.signOut(accountId);
  }

  /** Starts syncing every account that has a token: at app start. */
  async resume(): Promise<void> {
    for (const account of await this.#options.api.accounts.list()) {
      if (account.state === 'active' && (await this.#options.vault.getToken(account.id)))
        void this.#startAccount(account);
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

  async #origin(account: Account): Promise<string> {
    const known = this.#origins.get(account.instance);
    if (known) return known;
    const app = await this.#options.vault.getApp(account.instance);
    const insecure = this.#options.insecureHosts?.includes(account.instance);
    return app?.instanceUrl ?? `${insecure ? 'http' : 'https'}://${account.instance}`;
  }

  async #startAccount(account: Account): Promise<void> {
    if (this.#running.has(account.id)) return;
    const { api, clock, vault } = this.#options;
    const http = new MastodonHttp({
      baseUrl: await this.#origin(account),
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
      await sync.initialSync(this.#stop.signal);
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
          onState: (state) => {
            running.state = state === 'live' ? 'live' : state === 'closed' ? 'stopped' : 'syncing';
          },
          onError: (error) => console.warn(`corgi: streaming for ${account.acct}:`, error),
        });
        running.stream.start();
      } else running.state = 'live';
      this.#sender.kick();
    } catch (error) {
      running.state =
        error instanceof MastodonError && error.kind === 'unauthorized' ? 'needs_sign_in' : 'error';
    }
  }
}
