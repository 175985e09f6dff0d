import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { resolveAppRequest } from './app-protocol';

const ROOT = path.resolve('/opt/corgi/renderer');

describe('the app:// scheme', () => {
  it('serves the renderer, with index.html at the root', () => {
    expect(resolveAppRequest('app://corgi/', ROOT)).toEqual({
      kind: 'file',
      filePath: path.join(ROOT, 'index.html'),
      contentType: 'text/html; charset=utf-8',
    });
    expect(resolveAppRequest('app://corgi/assets/wa-sqlite-abc.wasm?v=1', ROOT)).toMatchObject({
      kind: 'file',
      filePath: path.join(ROOT, 'assets', 'wa-sqlite-abc.wasm'),
      contentType: 'application/wasm',
    });
    expect(resolveAppRequest('app://corgi/assets/worker-1.js', ROOT)).toMatchObject({
      contentType: 'text/javascript; charset=utf-8',
    });
  });

  it('never serves a file outside the renderer', () => {
    for (const url of [
      'app://corgi/../main/index.js',
      'app://corgi/%2e%2e/%2e%2e/etc/passwd',
      'app://corgi/assets/%2E%2E%2F%2E%2E%2Fsecret',
      'app://corgi/..%5c..%5csecret',
    ]) {
      const resolved = resolveAppRequest(url, ROOT);
      if (resolved.kind === 'file') expect(resolved.filePath.startsWith(ROOT + path.sep), url).toBe(true);
    }
    expect(resolveAppRequest('app://corgi/assets/%2E%2E%2F%2E%2E%2F..%2Fsecret', ROOT)).toMatchObject({
      kind: 'refused',
      status: 404,
    });
  });

  it('refuses other hosts, other schemes and malformed paths', () => {
    expect(resolveAppRequest('app://evil/index.html', ROOT)).toMatchObject({ kind: 'refused', status: 404 });
    expect(resolveAppRequest('https://corgi/index.html', ROOT)).toMatchObject({
      kind: 'refused',
      status: 404,
    });
    expect(resolveAppRequest('app://corgi/%E0%A4%A', ROOT)).toMatchObject({ kind: 'refused', status: 400 });
    expect(resolveAppRequest('app://corgi/index.html%00.png', ROOT)).toMatchObject({
      kind: 'refused',
      status: 400,
    });
    expect(resolveAppRequest('not a url', ROOT)).toMatchObject({ kind: 'refused', status: 400 });
  });

  it('serves unknown file types as bytes, not as something to run', () => {
    expect(resolveAppRequest('app://corgi/data.bin', ROOT)).toMatchObject({
      contentType: 'application/octet-stream',
    });
  });
});
