/**
 * The desktop sign-in's browser step: a one-shot HTTP listener on 127.0.0.1 (Mastodon accepts any
 * port for a loopback IP redirect registered as http://127.0.0.1/callback), the authorize page
 * opened in the person's own browser, and the callback URL handed back once it arrives. Only a
 * request to /callback carrying the expected `state` ends the wait; anything else gets a 404.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export const LOOPBACK_REDIRECT = 'http://127.0.0.1/callback';

export interface LoopbackSignIn {
  /** The redirect URI for this sign-in, with the listener's port. */
  redirectUri: string;
  /** Resolves with the full callback URL; rejects on timeout or `close()`. */
  callback: Promise<string>;
  close(): void;
}

const DONE_PAGE = `<!doctype html><meta charset="utf-8"><title>Corgi</title>
<body style="font: 16px system-ui; margin: 3em"><h1>Signed in</h1><p>You can close this tab and return to Corgi.</p></body>`;

export async function startLoopbackSignIn(options: {
  state: string;
  timeoutMs?: number;
}): Promise<LoopbackSignIn> {
  let settle!: { resolve: (url: string) => void; reject: (error: Error) => void };
  const callback = new Promise<string>((resolve, reject) => (settle = { resolve, reject }));
  callback.catch(() => undefined);
  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    if (
      request.method !== 'GET' ||
      url.pathname !== '/callback' ||
      url.searchParams.get('state') !== options.state
    ) {
      response.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not found');
      return;
    }
    response
      .writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' })
      .end(DONE_PAGE);
    settle.resolve(url.href);
    finish();
  });
  const timer = setTimeout(
    () => {
      settle.reject(new Error('The sign-in was not completed in time.'));
      finish();
    },
    options.timeoutMs ?? 10 * 60_000,
  );
  function finish() {
    clearTimeout(timer);
    server.close();
    server.closeAllConnections();
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    redirectUri: `http://127.0.0.1:${port}/callback`,
    callback,
    close() {
      settle.reject(new Error('The sign-in was cancelled.'));
      finish();
    },
  };
}
