import { describe, expect, it } from 'vitest';
import { readDocsExample } from '../../test/fixtures/docs-statuses';
import { useTestEngines } from '../../test/support/engine';

type Json = Record<string, unknown>;

const engines = useTestEngines();
const STATUS = readDocsExample('Status.json') as Json;
const FAVOURITE = readDocsExample('Notification.2.json') as Json;

/** A notification shaped like the documentation's, from `acct`, about the documentation's status. */
function notification(
  id: number,
  type: string,
  acct: string,
  minute: number,
  status: Json | null = STATUS,
): Json {
  return {
    ...FAVOURITE,
    id: String(id),
    type,
    created_at: new Date(Date.UTC(2026, 11, 1, 12, minute)).toISOString(),
    account: { ...(FAVOURITE.account as Json), id: String(900 + id), acct, display_name: acct.split('@')[0] },
    status,
  };
}

describe('notifications', () => {
  it("keeps a server's group apart from another server's group of the same key", async () => {
    const { api, account } = await engines.openWithAccount();
    const other = await api.accounts.upsert({
      instance: 'other.example',
      remoteId: '2',
      acct: 'me',
      displayName: 'Me elsewhere',
    });
    // Mastodon keys a notification it does not group by its own id: ids of two servers can meet.
    const mention = (id: number, acct: string) => ({
      ...notification(id, 'mention', acct, id),
      group_key: 'ungrouped-7',
    });
    await api.ingest.notifications(account.id, [mention(1, 'ana@a.example')]);
    await api.ingest.notifications(other.id, [mention(2, 'bob@b.example')]);
    const groups = await api.notifications.groups();
    expect(groups.map((g) => g.accounts.map((a) => a.acct))).toEqual([['bob@b.example'], ['ana@a.example']]);
  });

  it('keeps every kind once, with its post, and groups them as Mastodon does', async () => {
    const { api, account } = await engines.openWithAccount();
    const docs = ['Notification.1.json', 'Notification.2.json'].map(readDocsExample);
    const page = [
      ...docs,
      notification(1, 'favourite', 'ana@a.example', 1),
      notification(2, 'favourite', 'bob@b.example', 2),
      notification(3, 'reblog', 'ana@a.example', 3),
      notification(4, 'favourite', 'cy@c.example', 4),
      notification(5, 'follow', 'dee@d.example', 5, null),
      notification(6, 'follow', 'eve@e.example', 6, null),
      { id: '7', type: 'favourite' }, // no time, no one: refused alone
    ];
    expect(await api.ingest.notifications(account.id, page)).toEqual({ stored: 8, rejected: 1 });
    // The same page again stores nothing twice.
    expect((await api.ingest.notifications(account.id, page)).stored).toBe(0);
    expect(await api.ingest.newestNotification(account.id)).toBe('6');

    const groups = await api.notifications.groups();
    const favourites = groups.find((g) => g.type === 'favourite' && g.post?.uri === STATUS.uri)!;
    expect(favourites.accounts.map((a) => a.acct)).toEqual([
      'cy@c.example',
      'bob@b.example',
      'ana@a.example',
    ]);
    expect(favourites.count).toBe(3);
    expect(favourites.post?.contentText).toContain('inheritance');
    const follows = groups.find(
      (g) => g.type === 'follow' && g.accounts.some((a) => a.acct === 'eve@e.example'),
    )!;
    expect(follows.accounts.map((a) => a.acct)).toEqual(['eve@e.example', 'dee@d.example']);
    // Newest group first; a boost of the same post is a group of its own.
    expect(groups[0]!.type).toBe('follow');
    expect(groups.filter((g) => g.type === 'reblog')).toHaveLength(1);

    const mentions = await api.notifications.groups({ types: ['mention'] });
    expect(mentions.map((g) => g.type)).toEqual(['mention']);
    // The person's own post is stored, but is no entry of any timeline.
    expect((await api.timeline.page({ order: 'chronological' })).posts).toEqual([]);
  });

  it('lets old posts go when kept for some months, keeping their notifications without them', async () => {
    const { api, account } = await engines.openWithAccount();
    // The documentation's status is from 2019, and nobody here acted on it.
    await api.ingest.notifications(account.id, [notification(1, 'favourite', 'ana@a.example', 1)]);
    expect((await api.notifications.groups())[0]?.post?.uri).toBe(STATUS.uri);
    await api.storage.setRetention(1);
    for (let pass = 0; pass < 10 && !(await api.upkeep.dropOldPosts()).done; pass++);
    expect(await api.search.posts('inheritance')).toEqual([]);
    const [group] = await api.notifications.groups();
    expect(group).toMatchObject({ type: 'favourite', count: 1, post: null });
  });

  it('lets an account go with its notifications and the posts only they held', async () => {
    const { api, account } = await engines.openWithAccount();
    await api.ingest.notifications(account.id, [notification(1, 'favourite', 'ana@a.example', 1)]);
    await api.accounts.remove(account.id);
    expect(await api.notifications.groups()).toEqual([]);
    expect(await api.search.posts('inheritance')).toEqual([]);
  });
});
