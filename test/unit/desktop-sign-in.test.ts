/**
 * The desktop sign-in end to end, across the parts: the main process's loopback listener, the
 * worker's OAuth client, and a Mastodon server (the simulator), with the browser's part played by
 * a person who logs in and approves.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SignInHost } from '../../src-main/sign-in-host';
import { DesktopVault } from '../../src-main/token-vault';
import { createWorkerApi } from '../../src-worker/engine';
import { HostVault } from '../../src-worker/mastodon/host-vault';
import { systemClock } from '../../src-worker/mastodon/clock';
import { MastodonService } from '../../src-worker/mastodon/service';
import { useTestEngines } from '../support/engine';
import { keychain } from '../support/keychain';
import { LOOPBACK_REDIRECT, startLoopbackSignIn, type LoopbackSignIn } from '../../src-main/oauth-loopback';
import { beginSignIn, exchangeCode, readCallback, registerApp } from '../../src-worker/mastodon/oauth';
import { approveInBrowser, startFediverse, type Fediverse } from '../support/fediverse';

const engines = useTestEngines();
const open: LoopbackSignIn[] = [];
const fediverses: Fediverse[] = [];
const services: MastodonService[] = [];
afterEach(async () => {
  for (const s of services.splice(0)) s.stop();
  for (const l of open.splice(0)) l.close();
  for (const f of fediverses.splice(0)) await f.close();
});

describe('desktop sign-in', () => {
  it('completes a sign-in with a Mastodon server through the system browser', async () => {
    const f = await startFediverse({
      users: [{ username: 'ana', password: 'pw' }],
      statuses: 500,
      authors: 100,
    });
    fediverses.push(f);
    const app = await registerApp({ instance: f.server().url, redirectUri: LOOPBACK_REDIRECT });
    const state = 'state-for-this-sign-in';
    const loopback = await startLoopbackSignIn({ state });
    open.push(loopback);
    const { url, pending } = await beginSignIn(app, { redirectUri: loopback.redirectUri, state });
    // The browser: log in, approve, and follow the redirect to the listener.
    const redirect = await approveInBrowser(url, { username: 'ana', password: 'pw' });
    expect(new URL(redirect).port).toBe(new URL(loopback.redirectUri).port);
    await fetch(redirect);
    const code = readCallback(await loopback.callback, pending);
    const token = await exchangeCode(app, pending, code);
    const me = await fetch(`${f.server().url}/api/v1/accounts/verify_credentials`, {
      headers: { Authorization: `Bearer ${token.access_token}` },
    });
    expect(((await me.json()) as { username: string }).username).toBe('ana');
  });
});

describe('desktop sign-in through the app', () => {
  it('signs in with the system browser and a loopback port, keeps the token in the keychain vault, and syncs', async () => {
    const f = await startFediverse({
      users: [{ username: 'ana', password: 'pw' }],
      statuses: 800,
      authors: 150,
    });
    fediverses.push(f);
    const { engine } = await engines.open({ now: () => f.clock.now() });
    const holder: { service?: MastodonService } = {};
    const api = createWorkerApi(engine, () => holder.service!);
    const vaultDir = engines.tempDir();
    const opened: string[] = [];
    // The system browser: the person logs in and approves, and the browser follows the redirect.
    const browser = async (url: string) => {
      opened.push(url);
      await fetch(await approveInBrowser(url, { username: 'ana', password: 'pw' }));
    };
    const host = new SignInHost(new DesktopVault(keychain(), vaultDir), browser);
    holder.service = new MastodonService({
      engine,
      api,
      openVault: async (store) => new HostVault(store!),
      // The world's time, but real waits: the outbox loop runs in the background as in the app.
      clock: { now: () => f.clock.now(), sleep: systemClock.sleep },
      redirectUri: LOOPBACK_REDIRECT,
    });
    services.push(holder.service);
    const heard: string[][] = [];
    await api.events.subscribe((change) => heard.push(change.domains));
    await api.mastodon.start({
      vault: {
        get: (k) => host.vaultGet(k),
        set: (k, v) => host.vaultSet(k, v),
        delete: (k) => host.vaultDelete(k),
      },
    });

    // What the renderer does on the desktop.
    const state = crypto.randomUUID();
    const { redirectUri } = await host.begin(state);
    const { url } = await api.mastodon.startSignIn(f.server().url, { redirectUri, state });
    const account = await api.mastodon.finishSignIn(await host.finish(state, url));
    expect(opened).toHaveLength(1);
    expect(account.acct).toMatch(/^ana@/);

    const onDisk = fs.readFileSync(path.join(vaultDir, 'vault.json'), 'utf8');
    const token = await host.vaultGet(`token:${account.id}`);
    expect(token).toBeTruthy();
    expect(onDisk).not.toContain(token!);
    await expect.poll(async () => (await api.status()).statuses, { timeout: 20_000 }).toBeGreaterThan(0);
    // Whom she follows arrives in the background once her timeline is running.
    const followsStored = async (): Promise<number> =>
      (await engine.read((tx) => tx.get<{ n: number }>('SELECT count(*) AS n FROM account_follows')))!.n;
    const follows = f.world.userByName('ana')!.follows.size;
    expect(follows).toBeGreaterThan(0);
    await expect.poll(followsStored, { timeout: 20_000 }).toBe(follows);
    // And what is trending on her server, as candidates for discovery.
    const trending = async (): Promise<number> =>
      (await engine.read((tx) =>
        tx.get<{ n: number }>("SELECT count(*) AS n FROM timeline_entries WHERE timeline = 'trends'"),
      ))!.n;
    await expect.poll(trending, { timeout: 20_000 }).toBe(40);
    // What the accounts panel shows: how the account syncs and what its server does not offer.
    await expect.poll(async () => (await api.mastodon.status())[0]?.state, { timeout: 20_000 }).toBe('live');
    // The accounts panel hears each change of state (syncing, then live), none of them a table's.
    expect(heard.filter((domains) => domains.includes('sync')).length).toBeGreaterThanOrEqual(2);
    const [status] = await api.mastodon.status();
    expect(status).toMatchObject({ accountId: account.id, reason: null, failingSteps: [] });
    expect(status?.server).toMatchObject({ software: 'mastodon', apiVersion: 7 });
    expect(status?.featuresOff.map((f) => f.feature)).toEqual(['translation']);

    // Delete everything: the token is revoked at the server and gone from the vault.
    await api.privacy.deleteEverything();
    expect(await host.vaultGet(`token:${account.id}`)).toBeNull();
    const denied = await fetch(`${f.server().url}/api/v1/accounts/verify_credentials`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(denied.status).toBe(401);
    expect(await api.accounts.list()).toEqual([]);
  });

  it('refuses keys, states and addresses it does not expect', async () => {
    const host = new SignInHost(new DesktopVault(keychain(), engines.tempDir()), async () => undefined);
    await expect(host.vaultGet('../etc/passwd')).rejects.toThrow(/not a vault key/);
    await expect(host.begin('x')).rejects.toThrow(/not a sign-in state/);
    const state = crypto.randomUUID();
    await host.begin(state);
    await expect(host.finish(state, 'http://evil.example/oauth/authorize')).rejects.toThrow(/over https/);
    await expect(host.finish('other-state-123', 'https://mastodon.social/')).rejects.toThrow(
      /no sign-in is waiting/,
    );
  });
});
