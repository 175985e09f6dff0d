import { describe, expect, it } from 'vitest';
import { readDocsExample } from '../../test/fixtures/docs-statuses';
import { useTestEngines } from '../../test/support/engine';

type Json = Record<string, unknown>;

const engines = useTestEngines();
const GARGRON = readDocsExample('Status.json') as Json;
const ACCOUNT = GARGRON.account as Json;

/** A status shaped like the documentation's, by another author when `author` is given. */
function post(n: number, fields: Json = {}, author?: string): Json {
  return {
    ...GARGRON,
    id: String(200 + n),
    uri: `https://mastodon.social/users/Gargron/statuses/thread-${n}`,
    url: null,
    card: null,
    created_at: new Date(Date.UTC(2026, 0, 1, 12, n)).toISOString(),
    in_reply_to_id: null,
    in_reply_to_account_id: null,
    ...(author
      ? { account: { ...ACCOUNT, id: `9${n}`, username: author, acct: `${author}@example.social` } }
      : {}),
    ...fields,
  };
}

const reply = (n: number, to: number, fields: Json = {}) =>
  post(n, { in_reply_to_id: String(200 + to), in_reply_to_account_id: ACCOUNT.id, ...fields });

describe('timeline.thread', () => {
  it('puts what a post answers above it and its replies below, each reply after what it answers', async () => {
    const { api, account } = await engines.openWithAccount();
    // 1 ← 2 ← 3, 1 ← 4 (later than 2), 5 unrelated; 6 answers a post never stored.
    const statuses = [post(1), reply(2, 1), reply(3, 2), reply(4, 1), post(5), reply(6, 99)];
    const result = await api.ingest.statuses({ accountId: account.id, timeline: 'home', statuses });
    expect(result.rejected).toEqual([]);
    const ids = new Map(
      (await api.timeline.page({ order: 'chronological' })).posts.map((p) => [p.uri.split('-').at(-1), p.id]),
    );

    const middle = await api.timeline.thread(ids.get('2')!);
    expect(middle.ancestors.map((p) => p.id)).toEqual([ids.get('1')]);
    expect(middle.post?.id).toBe(ids.get('2'));
    expect(middle.descendants.map((d) => [d.post.id, d.depth])).toEqual([[ids.get('3'), 1]]);

    const top = await api.timeline.thread(ids.get('1')!);
    expect(top.ancestors).toEqual([]);
    expect(top.descendants.map((d) => [d.post.id, d.depth])).toEqual([
      [ids.get('2'), 1],
      [ids.get('3'), 2],
      [ids.get('4'), 1],
    ]);

    const orphan = await api.timeline.thread(ids.get('6')!);
    expect(orphan.ancestors).toEqual([]);
    expect(orphan.post?.inReplyTo).toMatchObject({ statusId: null });
    expect(await api.timeline.thread(123_456)).toEqual({ ancestors: [], post: null, descendants: [] });
  });
});

describe('timeline.list', () => {
  it("gives one timeline's, one author's and one hashtag's posts, newest first, page by page", async () => {
    const { api, account } = await engines.openWithAccount();
    const tagged = (n: number, tag: string, author?: string) =>
      post(
        n,
        {
          content: `<p>About <a href="https://mastodon.social/tags/${tag}" class="mention hashtag">#<span>${tag}</span></a></p>`,
          tags: [{ name: tag, url: `https://mastodon.social/tags/${tag}` }],
        },
        author,
      );
    await api.ingest.statuses({
      accountId: account.id,
      timeline: 'home',
      statuses: [
        tagged(1, 'corgis', 'ana'),
        tagged(2, 'cats', 'ana'),
        tagged(3, 'corgis'),
        post(4, {}, 'bob'),
      ],
    });
    // The server's bookmarks say so of each status; a bookmark made here counts at once.
    await api.ingest.statuses({
      accountId: account.id,
      timeline: 'bookmarks',
      statuses: [post(4, { bookmarked: true }, 'bob')],
    });
    const uris = (page: { posts: { uri: string }[] }) => page.posts.map((p) => p.uri.split('-').at(-1));

    expect(uris(await api.timeline.list({ of: { timeline: 'bookmarks' } }))).toEqual(['4']);
    const [three] = (await api.timeline.list({ of: { tag: 'corgis' }, limit: 1 })).posts;
    await api.actions.perform({ accountId: account.id, statusId: three!.id, action: 'bookmark' });
    expect(uris(await api.timeline.list({ of: { timeline: 'bookmarks' } }))).toEqual(['4', '3']);
    expect(uris(await api.timeline.list({ of: { timeline: 'favourites' } }))).toEqual([]);
    expect(uris(await api.timeline.list({ of: { author: 'ana@example.social' } }))).toEqual(['2', '1']);
    expect(uris(await api.timeline.list({ of: { author: '@ANA@example.social' } }))).toEqual(['2', '1']);
    expect(uris(await api.timeline.list({ of: { tag: 'Corgis' } }))).toEqual(['3', '1']);
    // Not a prefix: #cat is not #cats.
    expect(uris(await api.timeline.list({ of: { tag: 'cat' } }))).toEqual([]);

    const first = await api.timeline.list({ of: { tag: 'corgis' }, limit: 1 });
    expect(uris(first)).toEqual(['3']);
    const second = await api.timeline.list({ of: { tag: 'corgis' }, limit: 1, cursor: first.nextCursor });
    expect(uris(second)).toEqual(['1']);
    // A post deleted on its server leaves every list.
    await api.ingest.deletions(account.id, ['203']);
    expect(uris(await api.timeline.list({ of: { tag: 'corgis' } }))).toEqual(['1']);
    // (A page the newest posts fill is found among them, the rest through the full-text index.)
    expect(uris(await api.timeline.list({ of: { tag: 'corgis' }, limit: 1 }))).toEqual(['1']);
    expect(uris(await api.timeline.list({ of: { timeline: 'bookmarks' } }))).toEqual(['4']);
  });
});
