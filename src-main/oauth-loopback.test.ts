import { afterEach, describe, expect, it } from 'vitest';
import { startLoopbackSignIn, type LoopbackSignIn } from './oauth-loopback';

const open: LoopbackSignIn[] = [];
afterEach(() => {
  for (const l of open.splice(0)) l.close();
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
});
