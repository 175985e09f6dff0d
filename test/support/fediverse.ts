/**
 * A simulated fediverse for tests: a seeded World on a simulated clock, served by one Mastodon
 * simulator per instance, and a person at a browser who logs in and approves Corgi.
 */
import { SimulatedClock } from '../simulator/clock';
import type { Clock } from '../../src-worker/mastodon/clock';
import type { RateLimitConfig } from '../simulator/rate-limits';
import { startSimulator, type Simulator } from '../simulator/server';
import type { Flavour } from '../simulator/flavours';
import { World, type UserSpec } from '../simulator/world';

/** A clock a test can move: simulated (sleeps move it), or manual (only the test moves it). */
export type TestClock = Clock & { advance(ms: number): void };

export interface Fediverse {
  clock: TestClock;
  world: World;
  /** One simulator per served domain, in the world's order. */
  servers: Simulator[];
  server(domain?: string): Simulator;
  close(): Promise<void>;
}

export const WORLD_START = Date.UTC(2026, 10, 20, 12, 0, 0);

export async function startFediverse(options: {
  users: UserSpec[];
  domains?: string[];
  statuses?: number;
  authors?: number;
  seed?: number;
  limits?: RateLimitConfig;
  /** Simulated milliseconds each API request takes. */
  responseMs?: number;
  /** The kind of server every instance is; current Mastodon by default. */
  flavour?: Flavour;
  /** The world's clock; a simulated one starting at WORLD_START by default. */
  clock?: TestClock;
}): Promise<Fediverse> {
  const clock = options.clock ?? new SimulatedClock(WORLD_START);
  const world = new World({
    clock,
    seed: options.seed ?? 7,
    domains: options.domains,
    statuses: options.statuses ?? 4000,
    authors: options.authors ?? 600,
    users: options.users,
  });
  const servers: Simulator[] = [];
  for (const domain of world.domains)
    servers.push(
      await startSimulator({
        world,
        clock,
        domain,
        limits: options.limits,
        responseMs: options.responseMs,
        flavour: options.flavour,
      }),
    );
  return {
    clock,
    world,
    servers,
    server: (domain) => (domain ? servers.find((s) => s.domain === domain)! : servers[0]!),
    close: async () => {
      for (const server of servers) await server.close();
    },
  };
}

function hiddenFields(html: string): Record<string, string> {
  const fields: Record<string, string> = {};
  const decode = (s: string) =>
    s.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)));
  for (const match of html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g))
    fields[decode(match[1]!)] = decode(match[2]!);
  return fields;
}

/**
 * What a person does in the browser: opens the authorize address, logs in when asked, and
 * approves (or denies). Returns where the server sends the browser back to.
 */
export async function approveInBrowser(
  authorizeUrl: string,
  credentials: { username: string; password: string },
  decision: 'approve' | 'deny' = 'approve',
  cookie = { value: '' },
): Promise<string> {
  const origin = new URL(authorizeUrl).origin;
  let page = await fetch(authorizeUrl, { headers: { cookie: cookie.value } });
  let html = await page.text();
  if (!page.ok) throw new Error(`authorize page answered ${page.status}: ${html}`);
  if (html.includes('/oauth/authorize/login')) {
    const login = await fetch(`${origin}/oauth/authorize/login`, {
      method: 'POST',
      body: new URLSearchParams({ ...hiddenFields(html), ...credentials }),
      redirect: 'manual',
    });
    if (login.status !== 303) throw new Error(`login answered ${login.status}`);
    cookie.value = login.headers.get('set-cookie')!.split(';')[0]!;
    page = await fetch(new URL(login.headers.get('location')!, origin), {
      headers: { cookie: cookie.value },
    });
    html = await page.text();
  }
  const consent = await fetch(`${origin}/oauth/authorize`, {
    method: 'POST',
    headers: { cookie: cookie.value },
    body: new URLSearchParams({ ...hiddenFields(html), decision }),
    redirect: 'manual',
  });
  if (consent.status !== 302) throw new Error(`consent answered ${consent.status}: ${await consent.text()}`);
  return consent.headers.get('location')!;
}
