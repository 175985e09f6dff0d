/**
 * The simulator behaves as the Mastodon documentation and server source say, so the client tests
 * that run against it mean something.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { approveInBrowser, startFediverse, type Fediverse } from '../support/fediverse';
import { compareIds } from '../simulator/world';
import type { RateLimitConfig } from '../simulator/rate-limits';

const running: Fediverse[] = [];
afterEach(async () => {
  for (const f of running.splice(0)) await f.close();
});

async function signedIn(options: { limits?: RateLimitConfig } = {}) {
  const f = await startFediverse({ users: [{ username: 'ana', password: 'pw' }], ...options });
  running.push(f);
  const server = f.server();
  const app = (await (
    await fetch(`${server.url}/api/v1/apps`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        client_name: 'Test',
        redirect_uris: ['urn:ietf:wg:oauth:2.0:oob'],
        scopes: 'read write',
      }),
    })
  ).json()) as { client_id: string; client_secret: string };
  const authorize = `${server.url}/oauth/authorize?${new URLSearchParams({
    response_type: 'code',
    client_id: app.client_id,
    redirect_uri: 'urn:ietf:wg:oauth:2.0:oob',
    scope: 'read write',
  })}`;
  const code = new URL(
    await approveInBrowser(authorize, { username: 'ana', password: 'pw' }),
  ).searchParams.get('code')!;
  const token = (await (
    await fetch(`${server.url}/oauth/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        client_id: app.client_id,
        client_secret: app.client_secret,
        redirect_uri: 'urn:ietf:wg:oauth:2.0:oob',
      }),
    })
  ).json()) as { access_token: string };
  const get = (path: string, init: RequestInit = {}) =>
    fetch(`${server.url}${path}`, {
      ...init,
      headers: { Authorization: `Bearer ${token.access_token}`, ...init.headers },
    });
  return { f, server, token: token.access_token, get, user: f.world.userByName('ana')! };
}

describe('the Mastodon simulator', () => {
  it('pages timelines by max_id, min_id and since_id with Link headers, and stops at the feed cap', async () => {
    const { get, user } = await signedIn();
    const ids = (r: unknown) => (r as { id: string }[]).map((s) => s.id);
    const first = await get('/api/v1/timelines/home?limit=40');
    const page1 = ids(await first.json());
    expect(page1).toEqual(user.home.slice(0, 40));
    const link = first.headers.get('link')!;
    expect(link).toContain(`max_id=${page1[39]}>; rel="next"`);
    expect(link).toContain(`min_id=${page1[0]}>; rel="prev"`);
    const anchor = user.home[100]!;
    // min_id: the 5 immediately newer; since_id: the 5 newest newer.
    expect(ids(await (await get(`/api/v1/timelines/home?limit=5&min_id=${anchor}`)).json())).toEqual(
      user.home.slice(95, 100),
    );
    expect(ids(await (await get(`/api/v1/timelines/home?limit=5&since_id=${anchor}`)).json())).toEqual(
      user.home.slice(0, 5),
    );
    const older = ids(await (await get(`/api/v1/timelines/home?limit=40&max_id=${anchor}`)).json());
    expect(older[0]).toBe(user.home[101]);
    expect(older.every((id) => compareIds(id, anchor) < 0)).toBe(true);
    const past = await get(`/api/v1/timelines/home?max_id=${user.home[user.home.length - 1]}`);
    expect(await past.json()).toEqual([]);
    expect(past.headers.get('link')).toBeNull();
  });

  it('pages favourites by the record, not the status', async () => {
    const { get, user } = await signedIn();
    const response = await get('/api/v1/favourites?limit=3');
    const statuses = (await response.json()) as { id: string }[];
    expect(statuses.map((s) => s.id)).toEqual(user.favourites.slice(0, 3).map((f) => f.statusId));
    const next = new URL(/<([^>]+)>; rel="next"/.exec(response.headers.get('link')!)![1]!);
    expect(next.searchParams.get('max_id')).toBe(user.favourites[2]!.id);
    expect(statuses.map((s) => s.id)).not.toContain(next.searchParams.get('max_id'));
  });

  it('sends rate-limit headers with an ISO reset, and a bare 429 once a limit is spent', async () => {
    const limits: RateLimitConfig = {
      perToken: { limit: 50, periodMs: 300_000 },
      perUser: { limit: 100, periodMs: 300_000 },
      paging: { limit: 3, periodMs: 900_000 },
      deletes: { limit: 30, periodMs: 1_800_000 },
    };
    const { get, f } = await signedIn({ limits });
    const plain = await get('/api/v1/timelines/home');
    expect(plain.headers.get('x-ratelimit-limit')).toBe('50');
    expect(plain.headers.get('x-ratelimit-remaining')).toBe('49');
    const reset = plain.headers.get('x-ratelimit-reset')!;
    expect(reset).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(Date.parse(reset)).toBeGreaterThan(f.clock.now());
    for (let i = 0; i < 3; i++) expect((await get('/api/v1/timelines/home?max_id=1')).status).toBe(200);
    const refused = await get('/api/v1/timelines/home?max_id=1');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBeNull();
    expect(refused.headers.get('x-ratelimit-limit')).toBe('3');
    expect(refused.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(await refused.json()).toEqual({ error: 'Too many requests' });
    // Requests without a paging parameter still go through.
    expect((await get('/api/v1/timelines/home')).status).toBe(200);
  });

  it('saves markers with growing versions, and can answer 409', async () => {
    const { get, server } = await signedIn();
    const save = (id: string) =>
      get('/api/v1/markers', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ home: { last_read_id: id } }),
      });
    expect(((await (await save('5')).json()) as { home: { version: number } }).home.version).toBe(1);
    server.faults.markerConflicts = 1;
    expect((await save('6')).status).toBe(409);
    expect(((await (await save('7')).json()) as { home: { version: number } }).home.version).toBe(2);
    const read = (await (await get('/api/v1/markers?timeline[]=home')).json()) as {
      home: { last_read_id: string };
    };
    expect(read.home.last_read_id).toBe('7');
  });

  it('streams with the token as subprotocol, the payload encoded twice, and refuses no token', async () => {
    const { server, token, f, user } = await signedIn();
    const refused = new WebSocket(`${server.streamingUrl}/api/v1/streaming?stream=user`);
    await new Promise((resolve) => refused.addEventListener('error', resolve));
    const socket = new WebSocket(`${server.streamingUrl}/api/v1/streaming`, token);
    await new Promise((resolve) => socket.addEventListener('open', resolve));
    expect(socket.protocol).toBe(token);
    socket.send(JSON.stringify({ type: 'subscribe', stream: 'user' }));
    const frame = new Promise<string>((resolve) =>
      socket.addEventListener('message', (m) => resolve(String(m.data))),
    );
    await new Promise((r) => setTimeout(r, 50));
    const posted = f.world.publish([...user.follows][0]!);
    const envelope = JSON.parse(await frame) as { stream: string[]; event: string; payload: string };
    expect(envelope.stream).toEqual(['user']);
    expect(envelope.event).toBe('update');
    expect(typeof envelope.payload).toBe('string');
    expect((JSON.parse(envelope.payload) as { id: string }).id).toBe(posted.id);
    socket.close();
  });

  it('cuts a body short when asked, and answers 401 for a revoked token', async () => {
    const { get, server, user } = await signedIn();
    server.faults.malformedBodies = 1;
    await expect((await get('/api/v1/timelines/home')).json()).rejects.toThrow();
    server.revokeTokens(user.accountId);
    const denied = await get('/api/v1/timelines/home');
    expect(denied.status).toBe(401);
    expect(await denied.json()).toEqual({ error: 'The access token is invalid' });
  });
});
