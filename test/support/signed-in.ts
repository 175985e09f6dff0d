/**
 * A simulated fediverse with the real engine beside it, for the Mastodon client's tests: sign a
 * person in through the server's own pages, then sync them by hand (`syncFor`) or as the app does
 * (`runnerFor`). Fediverses and engines opened here are closed after each test.
 */
import { afterEach } from 'vitest';
import { AccountRunner } from '../../src-worker/mastodon/account-runner';
import { AccountSync } from '../../src-worker/mastodon/account-sync';
import { MastodonHttp } from '../../src-worker/mastodon/http';
import { MemoryVault, SignIn } from '../../src-worker/mastodon/sign-in';
import type { Account } from '../../src-shared/worker-api';
import type { Flavour } from '../simulator/flavours';
import type { RateLimitConfig } from '../simulator/rate-limits';
import type { UserSpec } from '../simulator/world';
import { useTestEngines } from './engine';
import { approveInBrowser, startFediverse, type Fediverse, type TestClock } from './fediverse';

export const REDIRECT = 'http://127.0.0.1/callback';

export interface FediverseOptions {
  flavour?: Flavour;
  limits?: RateLimitConfig;
  domains?: string[];
  clock?: TestClock;
  /** An engine on a directory (to open it again, as after a restart); in memory by default. */
  directory?: string;
}

export function useSignedIn() {
  const engines = useTestEngines();
  const running: Fediverse[] = [];
  const runners: AccountRunner[] = [];
  afterEach(async () => {
    for (const runner of runners.splice(0)) runner.stop();
    for (const f of running.splice(0)) await f.close();
  });

  async function fediverse(users: UserSpec[], options: FediverseOptions = {}) {
    const { directory, ...world } = options;
    const f = await startFediverse({ users, ...world });
    running.push(f);
    const { engine, api } = await engines.open({ now: () => f.clock.now(), directory });
    const vault = new MemoryVault();
    const signIn = new SignIn({ api, vault, redirectUri: REDIRECT });
    async function signInAs(username: string, password: string, domain?: string): Promise<Account> {
      const { url } = await signIn.start(f.server(domain).url);
      return signIn.finish(await approveInBrowser(url, { username, password }));
    }
    function syncFor(account: Account, options: { timeoutMs?: number } = {}) {
      const server = f.servers.find((s) => new URL(s.url).host === account.instance)!;
      const http = new MastodonHttp({
        baseUrl: server.url,
        token: () => vault.getToken(account.id),
        clock: f.clock,
        timeoutMs: options.timeoutMs,
      });
      return { http, sync: new AccountSync({ api, http, accountId: account.id, clock: f.clock }) };
    }
    /** The account's whole sync as the app runs it, step by step; `logs` collects what it reports. */
    function runnerFor(account: Account, options: { timeoutMs?: number } = {}) {
      const { http, sync } = syncFor(account, options);
      const logs: string[] = [];
      const runner = new AccountRunner({
        api,
        account,
        http,
        sync,
        clock: f.clock,
        token: () => vault.getToken(account.id),
        log: (message) => logs.push(message),
      });
      runners.push(runner);
      return { http, sync, runner, logs };
    }
    async function entries(accountId: number, timeline: string): Promise<number> {
      const row = await engine.read((tx) =>
        tx.get<{ n: number }>(
          'SELECT count(*) AS n FROM timeline_entries WHERE account_id = ? AND timeline = ?',
          [accountId, timeline],
        ),
      );
      return row!.n;
    }
    return { f, engine, api, vault, signIn, signInAs, syncFor, runnerFor, entries };
  }

  return { fediverse, engines, running };
}

/** Polls until `check` holds, for things that happen over real sockets. */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`still not true after ${timeoutMs} ms: ${check.toString()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
