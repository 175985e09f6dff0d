/**
 * The web edition's token vault in Chromium: tokens survive a reload, are stored only as
 * ciphertext, and the key that seals them cannot be read by script.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, type Browser } from '../support/browser';
import { serveDirectory } from '../support/static-server';

let dir: string;
let browser: Browser;
let server: { url: string; close(): Promise<void> };

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corgi-vault-page-'));
  const entry = path.resolve('src-worker/mastodon/web-vault.ts');
  const config = {
    configFile: false,
    logLevel: 'error',
    build: {
      outDir: dir,
      emptyOutDir: false,
      target: 'es2023',
      lib: { entry, name: 'CorgiVault', formats: ['iife'], fileName: 'vault' },
    },
  };
  const built = spawnSync(
    process.execPath,
    ['--input-type=module', '-e', `import { build } from 'vite'; await build(${JSON.stringify(config)});`],
    {
      stdio: 'inherit',
    },
  );
  if (built.status !== 0) throw new Error('vite could not build the vault page');
  const script = fs.readdirSync(dir).find((f) => f.endsWith('.js'));
  fs.writeFileSync(path.join(dir, 'index.html'), `<!doctype html><script src="${script}"></script>`);
  server = await serveDirectory(dir);
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('the web token vault', () => {
  it('keeps tokens sealed with a key script cannot export, across reloads', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${server.url}index.html`);
    const token = 'ZA-Yj3aBD8U8Cm7lKUp-lm9O9BmDgdhHzDeqsY8tlL0';
    await page.evaluate(async (token) => {
      const { WebVault } = (
        window as unknown as { CorgiVault: typeof import('../../src-worker/mastodon/web-vault') }
      ).CorgiVault;
      const vault = await WebVault.open();
      await vault.setToken(1, token);
      await vault.setApp({
        instanceUrl: 'https://mastodon.social',
        clientId: 'id',
        clientSecret: 'app-secret',
        redirectUri: 'https://corgi.example/callback',
        scopes: 'read',
        authorizeEndpoint: 'https://mastodon.social/oauth/authorize',
        tokenEndpoint: 'https://mastodon.social/oauth/token',
        revokeEndpoint: 'https://mastodon.social/oauth/revoke',
      });
    }, token);
    await page.reload();
    const seen = await page.evaluate(async () => {
      const { WebVault } = (
        window as unknown as { CorgiVault: typeof import('../../src-worker/mastodon/web-vault') }
      ).CorgiVault;
      const vault = await WebVault.open();
      // What is stored, read straight from IndexedDB.
      const raw = await new Promise<unknown[]>((resolve, reject) => {
        const open = indexedDB.open('corgi-vault');
        open.onsuccess = () => {
          const all = open.result.transaction('entries').objectStore('entries').getAll();
          all.onsuccess = () => resolve(all.result);
          all.onerror = () => reject(all.error);
        };
      });
      const key = raw.find((r) => r instanceof CryptoKey) as CryptoKey;
      const exportable = await crypto.subtle.exportKey('raw', key).then(
        () => true,
        () => false,
      );
      const bytes = raw
        .filter((r) => !(r instanceof CryptoKey))
        .map((r) => new TextDecoder().decode((r as { data: ArrayBuffer }).data))
        .join('|');
      const app = await vault.getApp('mastodon.social');
      const result = {
        token: await vault.getToken(1),
        secret: app?.clientSecret,
        exportable,
        extractable: key.extractable,
        bytes,
      };
      await vault.deleteToken(1);
      return { ...result, afterDelete: await vault.getToken(1) };
    });
    expect(seen.token).toBe(token);
    expect(seen.secret).toBe('app-secret');
    expect(seen.exportable).toBe(false);
    expect(seen.extractable).toBe(false);
    expect(seen.bytes).not.toContain(token);
    expect(seen.bytes).not.toContain('app-secret');
    expect(seen.afterDelete).toBeNull();
    await page.close();
  });
});
