/**
 * Corgi with every kind of server: what each offers is found out and the rest switched off, one
 * failing step never stops the others, an account is in trouble only when its token is refused or
 * its server cannot be reached (and says so across a restart), and where there is no stream the
 * timeline is polled.
 */
import { describe, expect, it } from 'vitest';
import { until, useSignedIn } from '../../test/support/signed-in';
import { ManualClock } from '../../test/support/manual-clock';
import { WORLD_START } from '../../test/support/fediverse';
import { FLAVOUR_NAMES, FLAVOURS, type Flavour, type FlavourName } from '../../test/simulator/flavours';
import { AccountRunner, FEATURE_RETRY_MS, POLL_HIDDEN_MS, POLL_MS } from './account-runner';
import { SOURCES } from './account-sync';

const { fediverse, engines } = useSignedIn();

/** What each kind of server lacks, as the first sync finds out. */
const FEATURES_OFF: Record<FlavourName, string[]> = {
  mastodon: ['translation'],
  'mastodon-4.2': ['grouped_notifications', 'quotes', 'translation'],
  gotosocial: ['grouped_notifications', 'quotes', 'translation'],
  akkoma: ['filters_v2', 'grouped_notifications', 'translation', 'trends'],
  pleroma: ['filters_v2', 'followed_tags', 'grouped_notifications', 'quotes', 'translation', 'trends'],
};

const SOFTWARE: Record<FlavourName, string> = {
  mastodon: 'mastodon',
  'mastodon-4.2': 'mastodon',
  gotosocial: 'gotosocial',
  akkoma: 'akkoma',
  pleroma: 'pleroma',
};

describe.each(FLAVOUR_NAMES)('the first sync against %s', (name) => {
  const flavour = FLAVOURS[name];

  it('stores everything the server offers, switches off what it lacks and says why, and stays up', async () => {
    const t = await fediverse([{ username: 'ana', password: 'pw', favourites: 60, bookmarks: 8 }], {
      flavour,
    });
    const ana = await t.signInAs('ana', 'pw');
    const { runner, logs } = t.runnerFor(ana);
    const outcomes = await runner.initialPass();

    expect(Object.entries(outcomes).filter(([, r]) => r.outcome === 'failed')).toEqual([]);
    expect(runner.state).toBe('polling');
    expect((await t.api.accounts.list())[0]).toMatchObject({ state: 'active', stateReason: null });
    const user = t.f.world.userByName('ana')!;
    expect(await t.entries(ana.id, 'home')).toBe(user.home.length);
    expect(await t.entries(ana.id, 'favourites')).toBe(user.favourites.length);
    expect(await t.entries(ana.id, 'bookmarks')).toBe(user.bookmarks.length);
    expect(await t.entries(ana.id, 'notifications')).toBe(
      user.notifications.filter((n) => n.type === 'mention').length,
    );
    expect(await t.engine.read((tx) => tx.all('SELECT * FROM ingest_errors'))).toEqual([]);

    const info = await t.api.servers.info(ana.id);
    expect(info?.software).toBe(SOFTWARE[name]);
    expect(info?.streamingUrl).toBe(t.f.server().streamingUrl);
    const off = (await t.api.servers.features(ana.id)).filter((f) => !f.available);
    expect(off.map((f) => f.feature)).toEqual(FEATURES_OFF[name]);
    for (const feature of off) expect(feature.reason).toBeTruthy();
    if (name === 'akkoma' || name === 'pleroma') {
      // Akkoma's own visibilities are kept (`local` known, `list` as unknown), and its "_" for a
      // parent it cannot resolve is no parent at all.
      const rows = await t.engine.read((tx) =>
        tx.all<{ visibility: string; n: number }>(
          'SELECT visibility, count(*) AS n FROM statuses GROUP BY visibility',
        ),
      );
      const by = Object.fromEntries(rows.map((r) => [r.visibility, r.n]));
      expect(by.local).toBeGreaterThan(0);
      expect(by.public).toBeGreaterThan(0);
      const ghosts = await t.engine.read((tx) =>
        tx.all(
          "SELECT id FROM statuses WHERE in_reply_to_remote_id = '_' OR in_reply_to_account_remote_id = '_'",
        ),
      );
      expect(ghosts).toEqual([]);
    }
    // An endpoint that is missing is named, with its answer, and logged once.
    for (const feature of off.filter((f) => f.retryAt !== null))
      expect(
        logs.filter((l) => l.includes(`${feature.feature.replace(/_/g, ' ')} switched off`)),
      ).toHaveLength(1);
  });

  it('refreshes counts where the server can fetch several posts at once, and switches that off where not', async () => {
    const t = await fediverse([{ username: 'ana', password: 'pw' }], { flavour });
    const ana = await t.signInAs('ana', 'pw');
    const { runner } = t.runnerFor(ana);
    await runner.initialPass();
    t.f.clock.advance(16 * 60_000);
    await runner.runDue();
    const batch = (await t.api.servers.features(ana.id)).find((f) => f.feature === 'status_batch');
    const missing = name === 'mastodon-4.2' || name === 'gotosocial';
    expect(batch?.available ?? true).toBe(!missing);
    if (missing) expect(batch?.reason).toMatch(/GET \/api\/v1\/statuses answered (404|405)/);
    expect((await t.api.servers.steps(ana.id)).filter((s) => s.failures > 0)).toEqual([]);
  });
});

describe('a missing feature', () => {
  it('is asked about again a day later, and comes back on when the server has it', async () => {
    const t = await fediverse([{ username: 'ana', password: 'pw' }]);
    const ana = await t.signInAs('ana', 'pw');
    const server = t.f.server();
    server.faults.failing.set('GET /api/v1/lists', 404);
    const { runner, logs } = t.runnerFor(ana);
    await runner.initialPass();
    const lists = async () => (await t.api.servers.features(ana.id)).find((f) => f.feature === 'lists');
    expect(await lists()).toMatchObject({ available: false, reason: 'GET /api/v1/lists answered 404' });
    expect((await t.api.servers.steps(ana.id)).find((s) => s.step === 'lists')?.failures).toBe(0);
    const asked = () => server.stats.byPath.get('GET /api/v1/lists') ?? 0;
    const before = asked();

    // Not asked again within the day, however often the rest runs.
    for (let hour = 0; hour < 23; hour++) {
      t.f.clock.advance(60 * 60_000);
      await runner.runDue();
    }
    expect(asked()).toBe(before);
    server.faults.failing.delete('GET /api/v1/lists');
    t.f.clock.advance(FEATURE_RETRY_MS - 23 * 60 * 60_000 + 60_000);
    await runner.runDue();
    expect(asked()).toBe(before + 1);
    expect((await lists())?.available).toBe(true);
    expect(logs.filter((l) => /lists switched off/.test(l))).toHaveLength(1);
    expect(logs.filter((l) => /lists works again/.test(l))).toHaveLength(1);
    expect(await t.entries(ana.id, `list:${t.f.world.userByName('ana')!.lists[0]!.id}`)).toBeGreaterThan(0);
  });
});

describe('a feature still missing', () => {
  it('is asked about once a day, not at every turn of its step', async () => {
    const t = await fediverse([{ username: 'ana', password: 'pw' }]);
    const ana = await t.signInAs('ana', 'pw');
    const server = t.f.server();
    server.faults.failing.set('GET /api/v1/trends/statuses', 404);
    const { runner } = t.runnerFor(ana);
    await runner.initialPass();
    const asked = () => server.stats.byPath.get('GET /api/v1/trends/statuses') ?? 0;
    for (let day = 1; day <= 3; day++) {
      // Trends run every quarter of an hour where the server has them.
      for (let quarter = 0; quarter < 96; quarter++) {
        t.f.clock.advance(15 * 60_000);
        await runner.runDue();
      }
      expect(asked(), `day ${day}`).toBe(1 + day);
    }
    const trends = (await t.api.servers.features(ana.id)).find((f) => f.feature === 'trends')!;
    expect(trends.available).toBe(false);
    expect(trends.retryAt).toBeGreaterThan(t.f.clock.now());
  });

  it('is a list’s own: one deleted list fails its step, and the other lists go on', async () => {
    const t = await fediverse([{ username: 'ana', password: 'pw' }]);
    const user = t.f.world.userByName('ana')!;
    user.lists.push({ id: '77', title: 'Second', members: new Set([...user.follows].slice(20, 40)) });
    const ana = await t.signInAs('ana', 'pw');
    t.f.server().faults.failing.set(`GET /api/v1/timelines/list/${user.lists[0]!.id}`, 404);
    const { runner } = t.runnerFor(ana);
    const outcomes = await runner.initialPass();
    expect(outcomes[`list:${user.lists[0]!.id}`]?.outcome).toBe('failed');
    expect(outcomes['list:77']?.outcome).toBe('ok');
    expect((await t.api.servers.features(ana.id)).find((f) => f.feature === 'lists')?.available ?? true).toBe(
      true,
    );
    expect(await t.entries(ana.id, 'list:77')).toBeGreaterThan(0);
  });
});

describe('one step failing', () => {
  it('is recorded with its reason and tried again later, and the others go on', async () => {
    const t = await fediverse([{ username: 'ana', password: 'pw', favourites: 30 }]);
    const ana = await t.signInAs('ana', 'pw');
    const server = t.f.server();
    server.faults.failing.set('GET /api/v1/mutes', 500);
    const { runner, logs } = t.runnerFor(ana);
    const outcomes = await runner.initialPass();
    expect(outcomes.mutes?.outcome).toBe('failed');
    expect(Object.entries(outcomes).filter(([step, r]) => step !== 'mutes' && r.outcome !== 'ok')).toEqual(
      [],
    );
    expect(await t.entries(ana.id, 'favourites')).toBe(30);
    const mutes = async () => (await t.api.servers.steps(ana.id)).find((s) => s.step === 'mutes')!;
    expect(await mutes()).toMatchObject({ failures: 1, lastError: expect.stringMatching(/answered 500/) });
    expect((await t.api.accounts.list())[0]?.state).toBe('active');

    // Tried again after its backoff, not before; a second failure waits longer.
    const asked = () => server.stats.byPath.get('GET /api/v1/mutes') ?? 0;
    let before = asked();
    t.f.clock.advance(30_000);
    await runner.runDue();
    expect(asked()).toBe(before);
    t.f.clock.advance(31_000);
    await runner.runDue();
    expect(asked()).toBeGreaterThan(before);
    expect((await mutes()).failures).toBe(2);
    expect(logs.filter((l) => /mutes failed/.test(l))).toHaveLength(1);

    server.faults.failing.delete('GET /api/v1/mutes');
    before = asked();
    t.f.clock.advance(61_000);
    await runner.runDue();
    expect(asked()).toBe(before);
    t.f.clock.advance(60_000);
    await runner.runDue();
    expect(await mutes()).toMatchObject({ failures: 0 });
  });

  it('a broken instance document is that step’s failure: the timeline still syncs', async () => {
    const t = await fediverse([{ username: 'ana', password: 'pw' }]);
    const ana = await t.signInAs('ana', 'pw');
    const server = t.f.server();
    server.faults.failing.set('GET /api/v2/instance', 500);
    server.faults.failing.set('GET /api/v1/instance', 500);
    const { runner } = t.runnerFor(ana, { timeoutMs: 500 });
    const outcomes = await runner.initialPass();
    expect(outcomes.instance?.outcome).toBe('failed');
    expect(outcomes.home?.outcome).toBe('ok');
    expect(runner.state).toBe('polling');
    expect(await t.entries(ana.id, 'home')).toBe(t.f.world.userByName('ana')!.home.length);
  });

  it('a firewall’s 403 page is not the server refusing the token', async () => {
    const t = await fediverse([{ username: 'ana', password: 'pw' }]);
    const ana = await t.signInAs('ana', 'pw');
    const server = t.f.server();
    server.faults.failingPages.set('GET /api/v1/blocks', 403);
    server.faults.failingPages.set('GET /api/v1/accounts/verify_credentials', 403);
    const { runner } = t.runnerFor(ana);
    const outcomes = await runner.initialPass();
    expect(outcomes.blocks?.outcome).toBe('failed');
    expect(runner.state).not.toBe('needs_sign_in');
    expect((await t.api.accounts.list())[0]?.state).toBe('active');
  });

  it('a 401 from one endpoint is that step’s failure when the token still works', async () => {
    const t = await fediverse([{ username: 'ana', password: 'pw' }]);
    const ana = await t.signInAs('ana', 'pw');
    // Misskey's relatives answer 401 for errors that are not the token's.
    t.f.server().faults.failing.set('GET /api/v1/blocks', 401);
    const { runner } = t.runnerFor(ana);
    const outcomes = await runner.initialPass();
    expect(outcomes.blocks?.outcome).toBe('failed');
    expect(runner.state).toBe('polling');
    expect((await t.api.accounts.list())[0]?.state).toBe('active');
  });
});

describe('a server that cannot be reached', () => {
  it('puts the account in trouble with a reason that survives a restart, and out of it when it answers', async () => {
    const directory = engines.tempDir();
    const t = await fediverse([{ username: 'ana', password: 'pw' }], { directory });
    const ana = await t.signInAs('ana', 'pw');
    const server = t.f.server();
    server.faults.offline = true;
    const { runner, logs } = t.runnerFor(ana, { timeoutMs: 500 });
    const outcomes = await runner.initialPass();
    expect(Object.values(outcomes).map((o) => o.outcome)).toEqual(['unreachable']);
    expect(runner.state).toBe('unreachable');
    const stored = (await t.api.accounts.list())[0]!;
    expect(stored.state).toBe('unreachable');
    expect(stored.stateReason).toMatch(/cannot be reached.*Corgi keeps trying/);
    expect(stored.stateSince).toBe(t.f.clock.now());
    expect(logs.filter((l) => /cannot be reached/.test(l))).toHaveLength(1);

    // Another try while still offline keeps the state and when it began.
    t.f.clock.advance(60_000);
    await runner.runDue();
    expect((await t.api.accounts.list())[0]).toMatchObject({
      state: 'unreachable',
      stateSince: stored.stateSince,
    });

    // The app starts again: the account still says what is wrong.
    await t.engine.close();
    const again = await engines.open({ directory, now: () => t.f.clock.now() });
    expect((await again.api.accounts.list())[0]).toMatchObject({
      state: 'unreachable',
      stateReason: stored.stateReason,
    });
  });

  it('goes back to normal once a request gets an answer', async () => {
    const t = await fediverse([{ username: 'ana', password: 'pw' }]);
    const ana = await t.signInAs('ana', 'pw');
    const server = t.f.server();
    server.faults.offline = true;
    const { runner, logs } = t.runnerFor(ana, { timeoutMs: 500 });
    await runner.initialPass();
    server.faults.offline = false;
    t.f.clock.advance(60_000);
    await runner.runDue();
    // The instance document is read again, and the stream it names started.
    expect(['live', 'polling']).toContain(runner.state);
    expect((await t.api.accounts.list())[0]).toMatchObject({
      state: 'active',
      stateReason: null,
      stateSince: null,
    });
    expect(logs.filter((l) => /reachable again/.test(l))).toHaveLength(1);
    expect(await t.entries(ana.id, 'home')).toBe(t.f.world.userByName('ana')!.home.length);
    runner.stop();
  });
});

describe('a server back after being unreachable, whose steps then fail', () => {
  it('is reachable again, and the loop waits for the next step instead of spinning', async () => {
    const clock = new ManualClock(WORLD_START);
    const t = await fediverse([{ username: 'ana', password: 'pw' }], { clock });
    const ana = await t.signInAs('ana', 'pw');
    const server = t.f.server();
    server.faults.offline = true;
    const { http, sync } = t.syncFor(ana, { timeoutMs: 200 });
    const app = new AccountRunner({
      api: t.api,
      account: ana,
      http,
      sync,
      clock,
      token: () => t.vault.getToken(ana.id),
      log: () => undefined,
    });
    const done = app.run();
    // Offline, the client's own retries wait on the clock: move it until the account gives up.
    await until(async () => {
      clock.advance(30_000);
      await new Promise((r) => setTimeout(r, 5));
      return app.state === 'unreachable';
    });
    // Back, but every request of its steps refused: the server answers, so it is not unreachable.
    server.faults.offline = false;
    server.faults.refuseAll = 400;
    clock.advance(15 * 60_000);
    await until(() => app.state !== 'unreachable');
    // Quiet: waiting for the next step, no request going out (a loop that spun would starve this).
    await until(async () => {
      const requests = server.stats.requests;
      await settle();
      return clock.sleeping > 0 && server.stats.requests === requests;
    });
    app.stop();
    await done;
  });
});

describe('servers whose pages come back short', () => {
  it('backfills past a short page until the server says there is no more', async () => {
    const t = await fediverse([{ username: 'ana', password: 'pw' }], { flavour: FLAVOURS.gotosocial });
    const user = t.f.world.userByName('ana')!;
    // Ana blocks people whose posts are already in her feed: GoToSocial leaves them out of each
    // page after reading it, so pages come back short while more follow.
    const authors = user.home.map((id) => t.f.world.statuses.get(id)!.accountId);
    for (const author of authors.slice(5, 60).filter((_, i) => i % 3 === 0)) user.blocks.add(author);
    const visible = user.home.filter((id) => {
      const s = t.f.world.statuses.get(id)!;
      return !user.blocks.has(s.accountId) && !user.blocks.has(t.f.world.inner(s).accountId);
    });
    expect(visible.length).toBeLessThan(user.home.length);
    const ana = await t.signInAs('ana', 'pw');
    const { runner } = t.runnerFor(ana);
    await runner.initialPass();
    expect(await t.entries(ana.id, 'home')).toBe(visible.length);

    // Catching up goes past a short page too.
    const blocked = [...user.blocks][0]!;
    const followed = [...user.follows].filter((a) => !user.blocks.has(a));
    for (let i = 0; i < 60; i++) {
      t.f.clock.advance(1000);
      t.f.world.publish(i % 6 === 0 ? blocked : followed[i % followed.length]!);
    }
    user.follows.add(blocked);
    const { sync } = t.syncFor(ana);
    await sync.catchUp(SOURCES.home);
    expect(await t.entries(ana.id, 'home')).toBe(visible.length + 50);
  });
});

describe('servers that throttle without saying so', () => {
  it('waits out 429s that carry no rate-limit headers, and finishes', async () => {
    const t = await fediverse([{ username: 'ana', password: 'pw', favourites: 100 }], {
      flavour: FLAVOURS.akkoma,
    });
    const ana = await t.signInAs('ana', 'pw');
    const { runner, http } = t.runnerFor(ana);
    await runner.initialPass();
    expect(http.stats.limitHits).toBeGreaterThan(0);
    const user = t.f.world.userByName('ana')!;
    expect(await t.entries(ana.id, 'home')).toBe(user.home.length);
    expect(await t.entries(ana.id, 'favourites')).toBe(100);
  });
});

describe('no stream, no problem', () => {
  const noStreaming: Flavour = {
    ...FLAVOURS.gotosocial,
    streaming: null,
    instanceV2: (document) => {
      const shaped = FLAVOURS.gotosocial.instanceV2(document)!;
      const configuration = shaped.configuration as Record<string, unknown>;
      return { ...shaped, configuration: { ...configuration, urls: {} } };
    },
  };

  /** The account running as in the app, on a clock only the test moves. */
  async function running(options: {
    flavour?: Flavour;
    foreground?: () => boolean;
    streamingDown?: boolean;
  }) {
    const clock = new ManualClock(WORLD_START);
    const t = await fediverse([{ username: 'ana', password: 'pw' }], { flavour: options.flavour, clock });
    if (options.streamingDown) t.f.server().faults.streamingDown = true;
    const ana = await t.signInAs('ana', 'pw');
    const { http, sync } = t.syncFor(ana);
    const app = new AccountRunner({
      api: t.api,
      account: ana,
      http,
      sync,
      clock,
      token: () => t.vault.getToken(ana.id),
      foreground: options.foreground,
      log: () => undefined,
    });
    const done = app.run();
    // The first sync ends in a wait for the next step.
    await until(() => app.state === 'polling' && clock.sleeping > 0);
    const publish = () => t.f.world.publish([...t.f.world.userByName('ana')!.follows][0]!);
    const home = () => t.entries(ana.id, 'home');
    const stop = async () => {
      app.stop();
      await done;
    };
    return { t, ana, app, clock, publish, home, stop };
  }

  it('catches the home timeline up within a minute where the server has no streaming', async () => {
    const { t, ana, clock, publish, home, stop } = await running({ flavour: noStreaming });
    expect((await t.api.servers.features(ana.id)).find((f) => f.feature === 'streaming')).toMatchObject({
      available: false,
    });
    const before = await home();
    const post = publish();
    clock.advance(POLL_MS - 1000);
    await settle();
    expect(await home()).toBe(before);
    clock.advance(1000);
    await until(async () => (await home()) === before + 1);
    const stored = await t.engine.read((tx) =>
      tx.get('SELECT id FROM statuses WHERE uri = ?', [String(post.json.uri)]),
    );
    expect(stored).toBeDefined();
    await stop();
  });

  it('polls every five minutes while the window is hidden', async () => {
    const { clock, publish, home, stop } = await running({ flavour: noStreaming, foreground: () => false });
    const before = await home();
    publish();
    clock.advance(POLL_MS);
    await settle();
    expect(await home()).toBe(before);
    clock.advance(POLL_HIDDEN_MS - POLL_MS);
    await until(async () => (await home()) === before + 1);
    await stop();
  });

  it('polls while a stream the server offers keeps failing', async () => {
    const { app, clock, publish, home, stop } = await running({ streamingDown: true });
    expect(app.stream).toBeDefined();
    expect(app.stream?.state).not.toBe('live');
    const before = await home();
    publish();
    clock.advance(POLL_MS);
    await until(async () => (await home()) === before + 1);
    await stop();
  });
});

/** Lets pending I/O and timers of the moment run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((r) => setTimeout(r, 10));
}
