/**
 * Profiles, follows, mutes and blocks, the server's search, poll votes and edits, against every
 * kind of server the simulator can be, over real HTTP into the real engine.
 */
import { describe, expect, it } from 'vitest';
import { useSignedIn } from '../../test/support/signed-in';
import { FLAVOUR_NAMES, FLAVOURS } from '../../test/simulator/flavours';
import type { SimStatus } from '../../test/simulator/world';
import { SOURCES } from './account-sync';
import { OutboxSender, ingestRefresh } from './outbox-sender';
import { fetchProfile, relate, searchServer, statusSource } from './people';

const { fediverse } = useSignedIn();

describe.each(FLAVOUR_NAMES)('against %s', (flavourName) => {
  const flavour = FLAVOURS[flavourName];

  async function signedIn() {
    const t = await fediverse([{ username: 'ana', password: 'pw' }], { flavour });
    const ana = await t.signInAs('ana', 'pw');
    const { http, sync } = t.syncFor(ana);
    const people = { api: t.api, http, accountId: ana.id, instance: ana.instance };
    const user = t.f.world.userByName('ana')!;
    const sender = new OutboxSender({
      engine: t.engine,
      httpFor: () => http,
      clock: t.f.clock,
      ingest: ingestRefresh(t.api),
    });
    return { t, ana, http, sync, people, user, sender };
  }

  /** An account of the world, by its full handle as Corgi writes it. */
  function handle(t: Awaited<ReturnType<typeof signedIn>>['t'], accountId: string): string {
    const account = t.f.world.accounts.get(accountId)!;
    return `${account.username}@${account.domain}`.toLowerCase();
  }

  /** A poll in Mastodon's shape, open for `openMs` more. */
  function openPoll(
    t: Awaited<ReturnType<typeof signedIn>>['t'],
    id: string,
    openMs: number,
    multiple: boolean,
    options: [string, number][],
  ) {
    const votes = options.reduce((sum, [, v]) => sum + v, 0);
    return {
      id,
      expires_at: new Date(t.f.clock.now() + openMs).toISOString(),
      expired: false,
      multiple,
      votes_count: votes,
      voters_count: votes,
      options: options.map(([title, count]) => ({ title, votes_count: count })),
      emojis: [],
      voted: false,
      own_votes: [],
    };
  }

  it("shows someone's profile with how the account stands with them, and stores their newest posts", async () => {
    const { t, people, user } = await signedIn();
    const followed = [...user.follows].find((id) => t.f.world.statusesBy(id).length > 3)!;
    const acct = handle(t, followed);
    const profile = await fetchProfile(people, acct);
    expect(profile.acct).toBe(acct);
    expect(profile.relationship).toMatchObject({ following: true, muting: false, blocking: false });
    expect(profile.fetched).toBeGreaterThan(0);
    const posts = await t.api.timeline.list({ of: { author: acct }, limit: 100 });
    expect(posts.posts.length).toBeGreaterThanOrEqual(
      Math.min(profile.fetched, t.f.world.statusesBy(followed).filter((s) => !s.reblogOf).length),
    );
    expect(posts.posts.every((p) => p.author.acct === acct)).toBe(true);

    await expect(fetchProfile(people, 'nobody-here@nowhere.example')).rejects.toThrow(/does not know/);
  });

  it('follows, mutes and blocks, and their undo, on the server and in what Corgi keeps', async () => {
    const { t, ana, people, user } = await signedIn();
    const stranger = [...t.f.world.accounts.keys()].find(
      (id) => !user.follows.has(id) && id !== user.accountId,
    )!;
    const acct = handle(t, stranger);
    const kept = (table: string) =>
      t.engine.read((tx) =>
        tx.all<{ acct: string }>(`SELECT * FROM ${table} WHERE account_id = ? AND acct = ?`, [ana.id, acct]),
      );

    expect(await relate(people, acct, 'follow')).toMatchObject({ following: true });
    expect(user.follows.has(stranger)).toBe(true);
    expect(await kept('account_follows')).toHaveLength(1);

    expect(await relate(people, acct, 'mute')).toMatchObject({ muting: true });
    expect(user.mutes.has(stranger)).toBe(true);
    expect(await kept('account_relations')).toMatchObject([{ kind: 'mute' }]);
    expect(await relate(people, acct, 'unmute')).toMatchObject({ muting: false });
    expect(await kept('account_relations')).toEqual([]);

    // A block ends the follow as well.
    expect(await relate(people, acct, 'block')).toMatchObject({ blocking: true, following: false });
    expect(user.blocks.has(stranger)).toBe(true);
    expect(await kept('account_relations')).toMatchObject([{ kind: 'block' }]);
    expect(await kept('account_follows')).toEqual([]);
    expect(await relate(people, acct, 'unblock')).toMatchObject({ blocking: false });
    expect(user.blocks.has(stranger)).toBe(false);
  });

  it('searches the server: people by handle, hashtags by name, a post by its address, stored here', async () => {
    const { t, people, user } = await signedIn();
    const someone = t.f.world.accounts.get([...user.follows][0]!)!;
    const found = await searchServer(people, someone.username);
    expect(found.accounts.map((a) => a.acct)).toContain(handle(t, someone.id));

    const tag = t.f.world.generator.tags[0]!.toLowerCase();
    expect((await searchServer(people, `#${tag}`)).hashtags).toContain(tag);

    const post = t.f.world.statusesBy(someone.id).find((s) => !s.reblogOf)!;
    const byUrl = await searchServer(people, String(post.json.url));
    expect(byUrl.statusIds).toHaveLength(1);
    const [stored] = await t.api.timeline.posts(byUrl.statusIds);
    expect(stored?.uri).toBe(post.json.uri);
  });

  it('votes in a poll at once here, once on the server, and refuses a second vote', async () => {
    const { t, ana, sync, user, sender } = await signedIn();
    const author = [...user.follows][0]!;
    const status: SimStatus = t.f.world.publish(author, { text: 'Tea or coffee?' });
    status.json.poll = openPoll(t, '777001', 86_400_000, false, [
      ['Tea', 1],
      ['Coffee', 2],
    ]);
    await sync.backfill(SOURCES.home);
    const [id] = await t.api.sync.statusIdsFor(ana.id, [flavour.ids.encode(status.id)]);
    expect(id).toBeDefined();

    await t.api.actions.perform({ accountId: ana.id, statusId: id!, action: 'vote', choices: [1] });
    const [shown] = await t.api.timeline.posts([id!]);
    expect(shown?.poll).toMatchObject({ voted: true, ownVotes: [1], votes: 4 });
    expect(shown?.poll?.options.map((o) => o.votes)).toEqual([1, 3]);
    await expect(
      t.api.actions.perform({ accountId: ana.id, statusId: id!, action: 'vote', choices: [0] }),
    ).rejects.toThrow(/already voted/);

    expect((await sender.flush()).sent).toBe(1);
    expect(t.f.world.votes.get(status.id)?.get(user.accountId)).toEqual([1]);
    const [after] = await t.api.timeline.posts([id!]);
    expect(after?.poll).toMatchObject({ voted: true, ownVotes: [1], votes: 4 });
  });

  it('puts a refused vote back as it was, with the reason', async () => {
    const { t, ana, sync, user, sender } = await signedIn();
    const status = t.f.world.publish([...user.follows][0]!, { text: 'Closing soon' });
    status.json.poll = openPoll(t, '777002', 60_000, true, [
      ['Yes', 0],
      ['No', 0],
    ]);
    await sync.backfill(SOURCES.home);
    const [id] = await t.api.sync.statusIdsFor(ana.id, [flavour.ids.encode(status.id)]);
    await t.api.actions.perform({ accountId: ana.id, statusId: id!, action: 'vote', choices: [0, 1] });
    // It closes before the vote reaches the server.
    t.f.clock.advance(120_000);
    expect((await sender.flush()).failed).toBe(1);
    const [shown] = await t.api.timeline.posts([id!]);
    expect(shown?.poll).toMatchObject({ voted: false, ownVotes: [], votes: 0 });
    expect((await t.api.actions.list(['failed']))[0]?.lastError).toMatch(/ended/);
  });

  it("edits one's own post from its text as written, and stores the new text", async () => {
    const { t, ana, people, user, sender } = await signedIn();
    await t.api.actions.publish({ accountId: ana.id, text: 'Frist post & more' });
    await sender.flush();
    const mine = t.f.world.statusesBy(user.accountId)[0]!;
    const [id] = await t.api.sync.statusIdsFor(ana.id, [flavour.ids.encode(mine.id)]);
    expect(await statusSource(people, flavour.ids.encode(mine.id))).toEqual({
      text: 'Frist post & more',
      spoilerText: '',
    });

    await t.api.actions.perform({
      accountId: ana.id,
      statusId: id!,
      action: 'edit',
      edit: { text: 'First post & more', spoilerText: 'typo' },
    });
    expect((await sender.flush()).sent).toBe(1);
    expect(mine.json.content).toBe('<p>First post &#38; more</p>');
    const [shown] = await t.api.timeline.posts([id!]);
    expect(shown?.contentText).toBe('First post & more');
    expect(shown?.spoilerText).toBe('typo');
    expect(shown?.editedAt).not.toBeNull();

    // Someone else's post cannot be edited.
    const other = (await t.api.timeline.page({ order: 'chronological', limit: 50 })).posts.find(
      (p) => p.author.acct !== ana.acct,
    );
    if (other)
      await expect(
        t.api.actions.perform({ accountId: ana.id, statusId: other.id, action: 'edit', edit: { text: 'x' } }),
      ).rejects.toThrow(/Only your own posts/);
  });
});
