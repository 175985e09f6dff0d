import { describe, expect, it } from 'vitest';
import { readDocsExample } from '../../test/fixtures/docs-statuses';
import type { Engine } from '../engine';
import { useTestEngines } from '../../test/support/engine';
import type { Account, PostView, TimelineQuery, WorkerApi } from '../../src-shared/worker-api';

type Json = Record<string, unknown>;

const engines = useTestEngines();

async function setup(): Promise<{ engine: Engine; api: WorkerApi; account: Account }> {
  return engines.openWithAccount();
}

const doc = (name: string) => readDocsExample(name) as Json;
const GARGRON = doc('Status.json');
const FREON = doc('Status.streaming-update-event.json');

function variant(n: number, fields: Json = {}): Json {
  return {
    ...GARGRON,
    id: String(120000000000000000n + BigInt(n)),
    uri: `https://mastodon.social/users/Gargron/statuses/variant-${n}`,
    url: null,
    card: null,
    ...fields,
  };
}

const TAGGED = variant(1, {
  content:
    '<p>Sunday walk <a href="https://mastodon.social/tags/Corgis" class="mention hashtag">#<span>Corgis</span></a></p>',
  tags: [{ name: 'Corgis', url: 'https://mastodon.social/tags/Corgis' }],
});
const UNTAGGED = variant(2, { content: '<p>I like corgis a lot</p>' });

const uris = (posts: PostView[]) => posts.map((p) => p.uri).sort();

async function searchSetup() {
  const ctx = await setup();
  const result = await ctx.api.ingest.statuses({
    accountId: ctx.account.id,
    timeline: 'home',
    statuses: [GARGRON, FREON, TAGGED, UNTAGGED],
  });
  expect(result.rejected).toEqual([]);
  return ctx;
}

describe('search.posts', () => {
  it('finds posts by a whole word, in any case', async () => {
    const { api } = await searchSetup();
    expect(uris(await api.search.posts('inheritance'))).toEqual([GARGRON.uri]);
    expect(uris(await api.search.posts('INHERITANCE Sort'))).toEqual([GARGRON.uri]);
    expect(uris(await api.search.posts('glad help'))).toEqual([FREON.uri]);
    expect(await api.search.posts('platypus')).toEqual([]);
  });

  it('treats the last word as a prefix, and only the last', async () => {
    const { api } = await searchSetup();
    expect(uris(await api.search.posts('inherit'))).toEqual([GARGRON.uri]);
    expect(uris(await api.search.posts('sort co'))).toEqual([GARGRON.uri]);
    expect(await api.search.posts('inherit code')).toEqual([]);
  });

  it('puts the better match first, and the newer of two equal ones', async () => {
    const { api, account } = await setup();
    const text = '<p>Walked the dog in the rain</p>';
    const older = variant(3, { content: text, created_at: '2026-01-01T10:00:00.000Z' });
    const newer = variant(4, { content: text, created_at: '2026-01-02T10:00:00.000Z' });
    const best = variant(5, { content: '<p>Dog, dog, dog: the dog again</p>' });
    // The older post is stored last, as a backfill brings it; a later page brings the best match.
    await api.ingest.statuses({ accountId: account.id, timeline: 'home', statuses: [newer] });
    await api.ingest.statuses({ accountId: account.id, timeline: 'home', statuses: [older] });
    await api.ingest.statuses({ accountId: account.id, timeline: 'home', statuses: [best] });
    const found = await api.search.posts('dog');
    expect(found.map((p) => p.uri)).toEqual([best.uri, newer.uri, older.uri].map(String));
  });

  it('finds the words of a link Mastodon shortens on screen', async () => {
    const { api } = await searchSetup();
    expect(uris(await api.search.posts('theguardian'))).toEqual([GARGRON.uri]);
    expect(uris(await api.search.posts('193000'))).toEqual([GARGRON.uri]);
  });

  it('searches tags with #, by whole tag or prefix', async () => {
    const { api } = await searchSetup();
    expect(uris(await api.search.posts('corgis'))).toEqual([TAGGED.uri, UNTAGGED.uri].sort());
    expect(uris(await api.search.posts('#corgis'))).toEqual([TAGGED.uri]);
    expect(uris(await api.search.posts('#Corg'))).toEqual([TAGGED.uri]);
    expect(await api.search.posts('#walk')).toEqual([]);
  });

  it('searches authors with @, by name, username or full handle', async () => {
    const { api } = await searchSetup();
    const byGargron = [GARGRON.uri, TAGGED.uri, UNTAGGED.uri].sort();
    expect(uris(await api.search.posts('@gargron'))).toEqual(byGargron);
    expect(uris(await api.search.posts('@Eugen'))).toEqual(byGargron);
    expect(uris(await api.search.posts('@freon'))).toEqual([FREON.uri]);
    expect(uris(await api.search.posts('@freon@letsalllovela.in'))).toEqual([FREON.uri]);
    // The handle as the app shows it: Gargron is on the reader's own server.
    const [shown] = await api.search.posts('inheritance');
    expect(shown!.author.acct).toBe('gargron@mastodon.social');
    expect(uris(await api.search.posts(`@${shown!.author.acct}`))).toEqual(byGargron);
    expect(uris(await api.search.posts('@gargron inheritance'))).toEqual([GARGRON.uri]);
    // A mention in the text is not authorship.
    expect(await api.search.posts('@disarray')).toEqual([]);
  });

  it('reads FTS syntax in user input as plain text', async () => {
    const { api } = await searchSetup();
    const inputs = [
      '"',
      'AND(',
      '*',
      '(',
      ')',
      '-',
      '^',
      ':',
      '{',
      'NEAR(a b)',
      'body:glad',
      '#',
      '@',
      '#"',
      '@*',
      '""',
    ];
    for (const input of [...inputs, 'OR', 'NOT', 'inheritance AND', 'a OR b', '"unbalanced', '#*(']) {
      await expect(api.search.posts(input), input).resolves.toBeInstanceOf(Array);
    }
    expect(uris(await api.search.posts('"inheritance"'))).toEqual([GARGRON.uri]);
    expect(uris(await api.search.posts('inheritance)'))).toEqual([GARGRON.uri]);
    // Operators are words to match, not operators: OR does not widen the search.
    expect(await api.search.posts('inheritance OR glad')).toEqual([]);
  });

  it('leaves out deleted posts', async () => {
    const { api, account } = await searchSetup();
    await api.ingest.deletions(account.id, [GARGRON.id as string]);
    expect(await api.search.posts('inheritance')).toEqual([]);
    expect(uris(await api.search.posts('@gargron'))).toEqual([TAGGED.uri, UNTAGGED.uri].sort());
  });

  it('returns at most the limit asked for', async () => {
    const { api } = await searchSetup();
    expect(await api.search.posts('@gargron', 2)).toHaveLength(2);
  });
});

describe('timeline.page', () => {
  const BASE = Date.parse('2026-02-01T00:00:00Z');
  const COUNT = 25;

  async function pagingSetup() {
    const ctx = await setup();
    // Posts come in pairs that share a time, so ties must be broken by the cursor too.
    const statuses = Array.from({ length: COUNT }, (_, i) =>
      variant(100 + i, { created_at: new Date(BASE + Math.floor(i / 2) * 60_000).toISOString() }),
    );
    await ctx.api.ingest.statuses({ accountId: ctx.account.id, timeline: 'home', statuses });
    return ctx;
  }

  async function readAll(api: WorkerApi, query: TimelineQuery): Promise<PostView[]> {
    const posts: PostView[] = [];
    let cursor: string | null = null;
    for (let pages = 0; pages < 20; pages++) {
      const page = await api.timeline.page({ ...query, cursor });
      expect(page.posts.length).toBeLessThanOrEqual(query.limit!);
      posts.push(...page.posts);
      cursor = page.nextCursor;
      if (cursor === null) return posts;
    }
    throw new Error('paging did not end');
  }

  it('pages the chronological timeline, each post once, newest first', async () => {
    const { api } = await pagingSetup();
    const posts = await readAll(api, { order: 'chronological', limit: 7 });
    expect(posts).toHaveLength(COUNT);
    expect(new Set(posts.map((p) => p.id)).size).toBe(COUNT);
    const keys = posts.map((p) => [p.createdAt, p.id] as const);
    const sorted = [...keys].sort((a, b) => b[0] - a[0] || b[1] - a[1]);
    expect(keys).toEqual(sorted);
  });

  it('pages the ranked timeline in the order it was ranked, each post once, with its reason', async () => {
    const { engine, api } = await pagingSetup();
    const posts = await readAll(api, { order: 'ranked', limit: 6 });
    expect(posts).toHaveLength(COUNT);
    expect(new Set(posts.map((p) => p.id)).size).toBe(COUNT);
    const feed = await engine.db.all<{ status_id: number }>(
      'SELECT status_id FROM feed WHERE position IS NOT NULL ORDER BY position',
    );
    expect(posts.map((p) => p.id)).toEqual(feed.map((s) => s.status_id));
    // The feed holds what was ranked, nothing more.
    expect((await engine.db.get<{ n: number }>('SELECT count(*) AS n FROM feed'))!.n).toBe(feed.length);
    expect(posts.map((p) => p.ranking!.position)).toEqual(posts.map((_, i) => i + 1));
    for (const post of posts) expect(post.ranking!.reason).not.toBe('');
    // Every page served is in the ranking log.
    const logged = await engine.db.get<{ n: number }>(
      'SELECT count(DISTINCT status_id) AS n FROM ranking_log',
    );
    expect(logged!.n).toBe(COUNT);
  });

  it('ends with a null cursor when the last page is full', async () => {
    const { api } = await pagingSetup();
    const first = await api.timeline.page({ order: 'chronological', limit: COUNT });
    expect(first.posts).toHaveLength(COUNT);
    const rest = await api.timeline.page({ order: 'chronological', limit: COUNT, cursor: first.nextCursor });
    expect(rest).toEqual({ posts: [], nextCursor: null });
  });

  it('refuses a cursor it did not make', async () => {
    const { api } = await pagingSetup();
    for (const cursor of ['garbage', '12:abc', '1.2.3:5', 'e:4', ':5']) {
      const error = await api.timeline.page({ order: 'ranked', cursor }).catch((e: unknown) => e);
      expect(error, cursor).toBeInstanceOf(Error);
      expect((error as Error).name, cursor).toBe('invalid_input');
    }
  });
});

describe('timeline.posts', () => {
  it('reads posts again as they are now, in the order asked, deleted ones marked and unknown ids left out', async () => {
    const { api, account } = await searchSetup();
    const page = await api.timeline.page({ order: 'chronological' });
    const [first, second] = page.posts;
    expect(first!.own[0]!.favourited).toBe(false);
    await api.actions.perform({ accountId: account.id, statusId: first!.id, action: 'favourite' });
    await api.ingest.deletions(account.id, [String(second!.uri === GARGRON.uri ? GARGRON.id : FREON.id)]);

    const again = await api.timeline.posts([second!.id, 999_999, first!.id]);
    expect(again.map((p) => p.id)).toEqual([second!.id, first!.id]);
    expect(again[1]!.own[0]!.favourited).toBe(true);
    expect(again[1]!.favourites).toBe(first!.favourites + 1);
    expect(await api.timeline.posts([])).toEqual([]);
  });
});

describe('what a post shows besides its text', () => {
  it('gives emoji, media sizes, the card, the poll and the stored parent, and only https images', async () => {
    const { api, account } = await setup();
    const parent = variant(10, { content: '<p>Question?</p>' });
    const reply = variant(11, {
      content: '<p>Answer :blobcat: :evil:</p>',
      in_reply_to_id: parent.id,
      in_reply_to_account_id: (GARGRON.account as Json).id,
      emojis: [
        {
          shortcode: 'blobcat',
          url: 'https://files.example/blobcat.png',
          static_url: 'https://files.example/b.png',
        },
        { shortcode: 'evil', url: 'javascript:alert(1)', static_url: 'javascript:alert(1)' },
        {
          shortcode: 'no spaces',
          url: 'https://files.example/x.png',
          static_url: 'https://files.example/x.png',
        },
      ],
      media_attachments: [
        {
          id: '1',
          type: 'image',
          url: 'https://files.example/a.jpg',
          preview_url: 'https://files.example/a-small.jpg',
          description: 'A corgi',
          blurhash: 'UeKUpFxuo~R%0nW;WCnhF6RjaJt757oJodS$',
          meta: { small: { width: 400, height: 300 } },
        },
        { id: '2', type: 'image', url: 'http://plain.example/b.jpg', preview_url: null, description: null },
      ],
      card: {
        url: 'https://news.example/story',
        title: 'A story',
        description: 'What happened',
        type: 'link',
        image: 'http://plain.example/card.jpg',
        provider_name: 'News',
      },
      poll: {
        id: '7',
        expires_at: '2030-01-01T00:00:00.000Z',
        expired: false,
        multiple: false,
        votes_count: 3,
        voters_count: 3,
        options: [
          { title: 'Yes', votes_count: 2 },
          { title: 'No', votes_count: 1 },
        ],
        emojis: [],
        voted: true,
        own_votes: [0],
      },
    });
    const result = await api.ingest.statuses({
      accountId: account.id,
      timeline: 'home',
      statuses: [parent, reply],
    });
    expect(result.rejected).toEqual([]);
    const posts = await api.timeline.page({ order: 'chronological' });
    const shown = posts.posts.find((p) => p.uri === reply.uri)!;
    const parentId = posts.posts.find((p) => p.uri === parent.uri)!.id;

    expect(shown.emojis).toEqual([
      {
        shortcode: 'blobcat',
        url: 'https://files.example/blobcat.png',
        staticUrl: 'https://files.example/b.png',
      },
    ]);
    expect(shown.media[0]).toMatchObject({ url: 'https://files.example/a.jpg', width: 400, height: 300 });
    expect(shown.media[0]!.blurhash).toBe('UeKUpFxuo~R%0nW;WCnhF6RjaJt757oJodS$');
    expect(shown.media[1]).toMatchObject({ url: null, previewUrl: null });
    expect(shown.card).toMatchObject({ url: 'https://news.example/story', title: 'A story', image: null });
    expect(shown.poll).toMatchObject({
      options: [
        { title: 'Yes', votes: 2 },
        { title: 'No', votes: 1 },
      ],
      voted: true,
      ownVotes: [0],
      expiresAt: Date.parse('2030-01-01T00:00:00.000Z'),
    });
    expect(shown.inReplyTo).toEqual({ statusId: parentId, acct: 'gargron@mastodon.social' });
    expect(posts.posts.find((p) => p.uri === parent.uri)!.inReplyTo).toBeNull();
  });
});
