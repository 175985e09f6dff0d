/**
 * Reading positions traded with the server through Mastodon's markers: what is read here reaches
 * the server, what another app read further comes back, against every simulated server.
 */
import { describe, expect, it } from 'vitest';
import { useSignedIn } from '../../test/support/signed-in';
import { FLAVOUR_NAMES, FLAVOURS } from '../../test/simulator/flavours';
import { SOURCES } from './account-sync';
import { REFRESH } from '../../src-shared/worker-api';

const { fediverse } = useSignedIn();

describe.each(FLAVOUR_NAMES)('against %s', (flavourName) => {
  const flavour = FLAVOURS[flavourName];
  const keepsHome = flavour.markerTimelines.includes('home');

  async function signedIn() {
    const t = await fediverse(
      [
        { username: 'ana', password: 'pw' },
        { username: 'ben', password: 'pw' },
      ],
      { flavour },
    );
    const ana = await t.signInAs('ana', 'pw');
    const { sync, http } = t.syncFor(ana);
    await sync.backfill(SOURCES.home);
    await sync.refreshNotifications();
    const user = t.f.world.userByName('ana')!;
    // The posts of the home timeline, newest first, boosts left out (they stand at the boosted post's time).
    const home = (await t.api.timeline.page({ order: 'chronological', limit: 100 })).posts.filter(
      (p) => p.boostedBy === null,
    );
    return { t, ana, sync, http, user, home };
  }

  /** The server's id of a home entry, as the simulator's world knows it. */
  const worldId = (id: string) => flavour.ids.decode(id);

  it.runIf(keepsHome)('sends where the home timeline was read to, and only ever forward', async () => {
    const { t, ana, sync, http, user, home } = await signedIn();
    const read = home[10]!;
    await t.api.timeline.markRead(read.id);
    expect(await sync.syncMarkers()).toBe(1);
    const entry = await t.engine.read((tx) =>
      tx.get<{ remote_id: string }>(
        "SELECT remote_id FROM timeline_entries WHERE account_id = ? AND timeline = 'home' AND status_id = ?",
        [ana.id, read.id],
      ),
    );
    expect(user.markers.get('home')?.lastReadId).toBe(worldId(entry!.remote_id));
    expect(await t.api.timeline.readingPosition()).toMatchObject({ statusId: read.id, from: 'here' });

    // An older post read again moves nothing, and the server hears nothing more.
    await t.api.timeline.markRead(home[30]!.id);
    expect(await sync.syncMarkers()).toBe(0);
    expect((await t.api.timeline.readingPosition())?.statusId).toBe(read.id);

    // Another app saved at the same moment: the save waits for the next round.
    await t.api.timeline.markRead(home[2]!.id);
    t.f.server().faults.markerConflicts = 1;
    expect(await sync.syncMarkers()).toBe(0);
    expect(await sync.syncMarkers()).toBe(1);
    expect((await t.api.timeline.readingPosition(ana.id))?.statusId).toBe(home[2]!.id);

    // A post stored here but not in her home timeline (from a thread, say) stands for the newest
    // home post not newer than it.
    const elsewhere = t.f.world.publish(
      [...t.f.world.accounts.keys()].find((id) => !user.follows.has(id))!,
      {
        text: 'From afar',
      },
    );
    const served = await http.request<unknown>({
      path: `/api/v1/statuses/${flavour.ids.encode(elsewhere.id)}`,
    });
    await t.api.ingest.statuses({ accountId: ana.id, timeline: REFRESH, statuses: [served.body] });
    const [afar] = await t.api.sync.statusIdsFor(ana.id, [flavour.ids.encode(elsewhere.id)]);
    await t.api.timeline.markRead(afar!);
    expect((await t.api.timeline.readingPosition())?.statusId).toBe(home[0]!.id);
  });

  it.runIf(keepsHome)('takes up where another app left off', async () => {
    const { t, sync, user, home } = await signedIn();
    await t.api.timeline.markRead(home[20]!.id);
    await sync.syncMarkers();
    // Another app read further: up to the newest entry.
    const newest = user.home[0]!;
    user.markers.set('home', { lastReadId: newest, version: 9, updatedMs: t.f.clock.now() });
    await sync.syncMarkers();
    expect(await t.api.timeline.readingPosition()).toMatchObject({ statusId: home[0]!.id, from: 'server' });
  });

  it('counts notifications since they were last seen, here or in another app', async () => {
    const { t, sync, user } = await signedIn();
    await t.api.notifications.markRead();
    expect(await t.api.notifications.unread()).toBe(0);
    await sync.syncMarkers();
    expect(user.markers.get('notifications')?.lastReadId).toBe(
      worldId(
        (await t.engine.read((tx) =>
          tx.get<{ id: string }>(
            'SELECT remote_id AS id FROM notifications ORDER BY length(remote_id) DESC, remote_id DESC LIMIT 1',
          ),
        ))!.id,
      ),
    );
    // Ben favourites a post of hers: one unread.
    const mine = t.f.world.publish(user.accountId, { text: 'Morning' });
    t.f.world.favourite(t.f.world.userByName('ben')!, mine, true);
    await sync.refreshNotifications();
    expect(await t.api.notifications.unread()).toBe(1);
    await t.api.notifications.markRead();
    expect(await t.api.notifications.unread()).toBe(0);
  });
});
