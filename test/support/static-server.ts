/**
 * Serves a built web edition (dist-web) on a free loopback port, as any static host would.
 */
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
};

export interface StaticServer {
  url: string;
  close(): Promise<void>;
}

/** `extraPages` adds fixed pages (path → HTML) beside the built files, such as a blank host page. */
export async function serveDirectory(
  root: string,
  extraPages: Record<string, string> = {},
): Promise<StaticServer> {
  const base = path.resolve(root);
  if (!fs.existsSync(path.join(base, 'index.html'))) {
    throw new Error(`${base} holds no built app: run "npm run build:web" first.`);
  }
  const server = http.createServer((request, response) => {
    const pathname = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
    const extra = extraPages[pathname];
    if (extra !== undefined) {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(extra);
      return;
    }
    const file = path.resolve(base, pathname === '/' ? 'index.html' : `.${pathname}`);
    if (!file.startsWith(base) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
      response.writeHead(404).end('not found');
      return;
    }
    response.writeHead(200, {
      'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
      // vite's output names its assets by their content: they never change under one name.
      'cache-control': pathname.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-store',
    });
    fs.createReadStream(file).pipe(response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
