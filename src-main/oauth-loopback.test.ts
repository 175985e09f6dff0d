import { afterEach, describe, expect, it } from 'vitest';
import { startLoopbackSignIn, LOOPBACK_REDIRECT, type LoopbackSignIn } from './oauth-loopback';
import { approveInBrowser, startFediverse, type Fediverse } from '../test/support/fediverse';
import { beginSignIn, exchangeCode, readCallback, registerApp } from '../src-worker/mastodon/oauth';

const open: LoopbackSignIn[] = [];
const fediverses: Fediverse[] = [];
afterEach(async () => {
  for (const l of open.splice(0)) l.close();
  for (const f of fediverses.splice(0)) await f.close();
});

describe('the loopback sign-in listener', () => {
  it('hands back the callback carrying its state, ignores others, then stops listening', async () => {
    const loopback = await startLoopbackSignIn({ state: 'expected' });
    open.push(loopback);
    expect(loopback.redirectUri).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    const wrong = await fetch(`${loopback.redirectUri}?code=x&state=forged`);
    expect(wrong.status).toBe(404);
    const other = await fetch(new URL('/favicon.ico', loopback.redirectUri));
    expect(other.status).toBe(404);
    const page = await fetch(`${loopback.redirectUri}?code=abc&state=expected`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('You can close this tab');
    const url = new URL(await loopback.callback);
    expect(url.searchParams.get('code')).toBe('abc');
    await expect(fetch(`${loopback.redirectUri}?code=abc&state=expected`)).rejects.toThrow();
  });

  it('gives up after its timeout, and on cancel', async () => {
    const slow = await startLoopbackSignIn({ state: 's', timeoutMs: 50 });
    await expect(slow.callback).rejects.toThrow(/not completed in time/);
    const cancelled = await startLoopbackSignIn({ state: 's' });
    cancelled.close();
    await expect(cancelled.callback).rejects.toThrow(/cancelled/);
  });

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
