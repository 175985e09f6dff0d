/**
 * The desktop sign-in end to end, across the parts: the main process's loopback listener, the
 * worker's OAuth client, and a Mastodon server (the simulator), with the browser's part played by
 * a person who logs in and approves.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { LOOPBACK_REDIRECT, startLoopbackSignIn, type LoopbackSignIn } from '../../src-main/oauth-loopback';
import { beginSignIn, exchangeCode, readCallback, registerApp } from '../../src-worker/mastodon/oauth';
import { approveInBrowser, startFediverse, type Fediverse } from '../support/fediverse';

const open: LoopbackSignIn[] = [];
const fediverses: Fediverse[] = [];
afterEach(async () => {
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
