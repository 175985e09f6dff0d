import { describe, expect, it } from 'vitest';
import { readDocsExample } from '../../test/fixtures/docs-statuses';
import { useTestEngines } from '../../test/support/engine';
import type { WorkerApi } from '../../src-shared/worker-api';

type Json = Record<string, unknown>;
const engines = useTestEngines();
const DOC = readDocsExample('Status.json') as Json;
const DAY = 24 * 3600 * 1000;
const START = Date.parse('2026-06-01T12:00:00Z');

function author(name: string): Json {
  return {
    ...(DOC.account as Json),
    id: String(5000 + name.charCodeAt(0) * 7 + name.length),
    username: name,
    acct: name === 'me' ? 'me' : `${name}@example.social`,
    url: name === 'me' ? 'https://mastodon.social/@me' : `https://example.social/@${name}`,
  };
}

let serial = 0;
/** A status written `daysAgo` days before `now`, about `words`. */
function post(now: number, daysAgo: number, words: string, fields: Json = {}): Json {
  const n = ++serial;
  return {
    ...DOC,
    id: String(300000000000000000n + BigInt(n)),
    uri: `https://example.social/statuses/${n}`,
    url: null,
    card: null,
    poll: null,
    quote: null,
    account: author('ana'),
    content: `<p>${words} ${'and more words to make it a post of some length '.repeat(20)}</p>`,
    created_at: new Date(now - daysAgo * DAY).toISOString(),
    favourited: false,
    reblogged: false,
    bookmarked: false,
    ...fields,
  };
}

async function setup() {
  let clock = START;
  const directory = engines.tempDir();
  const opened = await engines.openWithAccount({ directory, now: () => clock });
  const { api, account } = opened;
  const ingest = async (statuses: Json[]): Promise<void> => {
    const result = await api.ingest.statuses({ accountId: account.id, timeline: 'home', statuses });
    expect(result.rejected).toEqual([]);
  };
  const idOf = async (status: Json): Promise<number> =>
    (await opened.engine.read((tx) =>
      tx.get<{ id: number }>('SELECT id FROM statuses WHERE uri = ?', [status.uri as string]),
    ))!.id;
  return {
    ...opened,
    ingest,
    idOf,
    now: () => clock,
    advance: (ms: number) => (clock += ms),
  };
}

async function runPass(api: WorkerApi): Promise<number> {
  let dropped = 0;
  for (;;) {
    const batch = await api.upkeep.dropOldPosts();
    dropped += batch.dropped;
    if (batch.done) return dropped;
  }
}

describe('keeping posts for some months', () => {
  it('drops notifications older than posts are kept, with the pass', async () => {
    const { api, account, now } = await setup();
    const base = readDocsExample('Notification.2.json') as Json;
    const notification = (id: string, daysAgo: number) => ({
      ...base,
      id,
      status: null,
      created_at: new Date(now() - daysAgo * DAY).toISOString(),
      account: { ...(base.account as Json), id: `7${id}`, acct: `fan${id}@example.social` },
    });
    await api.ingest.notifications(account.id, [notification('1', 200), notification('2', 10)]);
    await runPass(api);
    // Kept for ever by default.
    expect((await api.notifications.groups()).map((g) => g.accounts[0]!.acct)).toHaveLength(2);
    await api.storage.setRetention(3);
    await runPass(api);
    expect((await api.notifications.groups()).map((g) => g.accounts[0]!.acct)).toEqual([
      'fan2@example.social',
    ]);
  });

  it('keeps everything by default, and refuses a choice that is not a number of months', async () => {
    const { api, renderer, ingest, now } = await setup();
    await ingest([post(now(), 400, 'ancient'), post(now(), 1, 'recent')]);
    expect(await api.storage.retention()).toMatchObject({ keepMonths: null, posts: 2, preview: null });
    expect((await api.storage.retention(null)).preview).toEqual({ keepMonths: null, posts: 0, bytes: 0 });
    expect(await runPass(api)).toBe(0);
    expect((await api.storage.retention()).posts).toBe(2);
    for (const bad of [0, 1.5, 121, -3])
      await expect(renderer.storage.setRetention(bad)).rejects.toThrow(
        /whole number of months from 1 to 120/,
      );
  });

  it('drops, in the background, old posts the person never acted on and nothing kept leans on; shows first what it would drop', async () => {
    const { api, account, engine, ingest, idOf, now, advance } = await setup();
    const t = now();
    const old = (words: string, fields: Json = {}): Json => post(t, 200, words, fields);
    // Old posts that go.
    const plain = old('plainold');
    const viewed = old('viewedold');
    const glanced = old('glancedold');
    const chainTop = old('chaintop');
    const chainReply = old('chainreply', {
      in_reply_to_id: chainTop.id,
      created_at: new Date(t - 199 * DAY).toISOString(),
    });
    // Old posts that stay, and why.
    const favourited = old('favouritedold', { favourited: true });
    const opened = old('openedold');
    const read = old('readold');
    const mine = old('mineold', { account: author('me') });
    const repliedToRecently = old('parentold');
    const recentReply = post(t, 2, 'recentreply', { in_reply_to_id: repliedToRecently.id });
    const quoted = old('quotedold');
    const recentQuote = post(t, 3, 'recentquote', { quote: { state: 'accepted', quoted_status: quoted } });
    const boosted = old('boostedold');
    const recentBoost = post(t, 1, '', { reblog: boosted, content: '', account: author('bob') });
    const keptChainTop = old('keptchaintop');
    const keptChainMiddle = old('keptchainmiddle', {
      in_reply_to_id: keptChainTop.id,
      created_at: new Date(t - 199 * DAY).toISOString(),
    });
    const keptChainEnd = old('keptchainend', {
      in_reply_to_id: keptChainMiddle.id,
      favourited: true,
      created_at: new Date(t - 198 * DAY).toISOString(),
    });
    const deleted = old('deletedold');
    const recent = post(t, 20, 'recentpost');
    await ingest([
      plain,
      viewed,
      glanced,
      chainTop,
      chainReply,
      favourited,
      opened,
      read,
      mine,
      repliedToRecently,
      recentReply,
      quoted,
      recentQuote,
      recentBoost,
      keptChainTop,
      keptChainMiddle,
      keptChainEnd,
      deleted,
      recent,
    ]);
    while ((await api.ranking.embedPending(100)) > 0);
    await api.interactions.record({ statusId: await idOf(viewed), kind: 'view' });
    await api.interactions.record({ statusId: await idOf(glanced), kind: 'dwell', value: 1500 });
    await api.interactions.record({ statusId: await idOf(opened), kind: 'open' });
    await api.interactions.record({ statusId: await idOf(read), kind: 'dwell', value: 20_000 });
    expect(await api.ingest.deletions(account.id, [deleted.id as string])).toBe(1);
    const going = [plain, viewed, glanced, chainTop, chainReply];
    const goingIds = await Promise.all(going.map(idOf));
    const total = (await api.storage.retention()).posts;

    // Asked first what six months would drop: those five, and about their share of the file.
    const asked = await api.storage.retention(6);
    expect(asked).toMatchObject({ keepMonths: null, posts: total, preview: { keepMonths: 6, posts: 5 } });
    expect(asked.preview!.bytes).toBeGreaterThan(0);
    expect(asked.preview!.bytes).toBeLessThan(asked.databaseBytes);
    // A year would drop nothing yet.
    expect((await api.storage.retention(12)).preview!.posts).toBe(0);

    const chosen = await api.storage.setRetention(6);
    expect(chosen).toMatchObject({ keepMonths: 6, posts: total, preview: null });
    expect(await runPass(api)).toBe(5);

    const after = await api.storage.retention();
    expect(after).toMatchObject({ keepMonths: 6, posts: total - 5, lastDropped: 5, lastRunAt: now() });
    expect((await api.storage.retention(6)).preview!.posts).toBe(0);
    // Gone with everything kept of them: search entries, vectors, timeline rows, views.
    for (const words of ['plainold', 'viewedold', 'chaintop', 'chainreply'])
      expect(await api.search.posts(words), words).toEqual([]);
    for (const words of [
      'favouritedold',
      'openedold',
      'readold',
      'mineold',
      'parentold',
      'quotedold',
      'boostedold',
      'keptchaintop',
      'keptchainmiddle',
      'recentpost',
    ])
      expect(await api.search.posts(words), words).toHaveLength(1);
    const left = await engine.read(async (tx) => {
      const count = async (table: string, column = 'status_id'): Promise<number> =>
        (await tx.get<{ n: number }>(
          `SELECT count(*) AS n FROM ${table} WHERE ${column} IN (${goingIds.join(', ')})`,
        ))!.n;
      return {
        statuses: await count('statuses', 'id'),
        embeddings: await count('embeddings'),
        timeline: await count('timeline_entries'),
        refs: await count('status_refs'),
        interactions: await count('interactions'),
        search: await count('statuses_fts', 'rowid'),
      };
    });
    expect(left).toEqual({ statuses: 0, embeddings: 0, timeline: 0, refs: 0, interactions: 0, search: 0 });
    // The tombstone stays, so the deleted post is never stored again.
    expect(
      await engine.read((tx) =>
        tx.get('SELECT 1 AS kept FROM statuses WHERE uri = ?', [deleted.uri as string]),
      ),
    ).toEqual({ kept: 1 });

    // Once a day: the same day, nothing is looked at again.
    await ingest([post(now(), 300, 'lateold')]);
    expect(await api.upkeep.dropOldPosts()).toEqual({ dropped: 0, done: true });
    expect(await api.search.posts('lateold')).toHaveLength(1);
    advance(DAY + 1);
    expect(await runPass(api)).toBe(1);
    expect(await api.search.posts('lateold')).toEqual([]);
  });

  it('goes through many posts in batches, each a transaction of its own, and its preview is what it drops', async () => {
    const { api, ingest, now } = await setup();
    const t = now();
    const statuses: Json[] = [];
    for (let i = 0; i < 450; i++) statuses.push(post(t, 40 + i / 10, `bulk${i}`));
    // Replies among them: a reply to a post that stays keeps it (and the reply's own parent).
    statuses.push(post(t, 1, 'recentanswer', { in_reply_to_id: statuses[100]!.id }));
    statuses.push(post(t, 39, 'middleanswer', { in_reply_to_id: statuses[200]!.id, favourited: true }));
    await ingest(statuses);
    while ((await api.ranking.embedPending(200)) > 0);
    await api.storage.setRetention(1);
    const { preview, databaseBytes } = await api.storage.retention(1);
    expect(preview!.posts).toBe(448);
    const batches: number[] = [];
    for (;;) {
      const batch = await api.upkeep.dropOldPosts();
      batches.push(batch.dropped);
      if (batch.done) break;
    }
    expect(batches.length).toBeGreaterThan(2);
    expect(batches.reduce((a, b) => a + b, 0)).toBe(preview!.posts);
    // The room they took goes back to the disk.
    expect((await api.storage.retention()).databaseBytes).toBeLessThan(databaseBytes);
    expect(await api.search.posts('bulk100')).toHaveLength(1);
    expect(await api.search.posts('bulk200')).toHaveLength(1);
    expect(await api.search.posts('bulk300')).toEqual([]);
  });
});
