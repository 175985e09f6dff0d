import { afterEach, describe, expect, it } from 'vitest';
import { storedTexts } from '../../test/support/stored-texts';
import { docsStatuses, readDocsExample } from '../../test/fixtures/docs-statuses';
import { createWorkerApi, type Engine } from '../engine';
import { openNodeEngine } from '../node/open-node-engine';
import type { IngestPage, TimelineQuery } from '../../src-shared/worker-api';
import { previewCardSchema } from '../../src-shared/mastodon/entities';

type Json = Record<string, unknown>;

const T0 = Date.parse('2026-01-01T00:00:00Z');
const engines: Engine[] = [];

afterEach(async () => {
  for (const engine of engines.splice(0)) await engine.close();
});

async function setup() {
  let clock = T0;
  const engine = await openNodeEngine({ now: () => clock });
  engines.push(engine);
  const api = createWorkerApi(engine);
  const account = await api.accounts.upsert({
    instance: 'mastodon.social',
    remoteId: '1000',
    acct: 'reader',
    displayName: '',
  });
  /** Ingests into the reader's home timeline. */
  const ingest = (statuses: unknown[], extra: Partial<IngestPage> = {}) =>
    api.ingest.statuses({ accountId: account.id, timeline: 'home', statuses, ...extra });
  const uris = async (order: TimelineQuery['order'] = 'chronological') =>
    (await api.timeline.page({ order })).posts.map((p) => p.uri);
  return { engine, api, account, ingest, uris, tick: () => (clock += 60_000) };
}

const doc = (name: string) => readDocsExample(name) as Json;
const GARGRON_URI = 'https://mastodon.social/users/Gargron/statuses/103270115826048975';

async function dumpTables(engine: Engine): Promise<Record<string, unknown[]>> {
  const tables = await engine.db.all<{ name: string }>(
    "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'statuses_fts%'",
  );
  const dump: Record<string, unknown[]> = {};
  for (const { name } of tables) {
    const rows = await engine.db.all(`SELECT * FROM "${name}"`);
    dump[name] = rows.map((row) => JSON.stringify(row)).sort();
  }
  return dump;
}

async function count(engine: Engine, sql: string, params: (string | number)[] = []): Promise<number> {
  return (await engine.db.get<{ n: number }>(`SELECT count(*) AS n FROM (${sql})`, params))!.n;
}

const booster = {
  ...(doc('Status.json').account as Json),
  id: '555',
  username: 'booster',
  acct: 'booster@example.social',
  display_name: 'Boo Ster',
  url: 'https://example.social/@booster',
};

function boostOf(inner: Json, id = '110000000000000001'): Json {
  return {
    ...doc('Status.json'),
    id,
    uri: `https://example.social/users/booster/statuses/${id}/activity`,
    url: null,
    created_at: '2026-01-01T10:00:00.000Z',
    content: '',
    card: null,
    account: booster,
    reblog: inner,
  };
}

describe('ingest.statuses', () => {
  it('stores the documentation statuses and pages them newest first as plain text', async () => {
    const { api, account, ingest } = await setup();
    const statuses = docsStatuses().map((d) => d.status);
    const result = await ingest(statuses);
    expect(result.rejected).toEqual([]);
    const distinct = [...new Set(statuses.map((s) => s.uri))];
    expect(result.inserted).toBe(distinct.length);

    const page = await api.timeline.page({ order: 'chronological' });
    expect(page.posts.map((p) => p.uri).sort()).toEqual(distinct.sort());
    const times = page.posts.map((p) => p.createdAt);
    expect(times).toEqual([...times].sort((a, b) => b - a));
    const gargron = page.posts.find((p) => p.uri === GARGRON_URI)!;
    expect(gargron.contentText).toContain('I lost my inheritance with one wrong digit on my sort code');
    expect(gargron.contentText).toContain(
      'https://www.theguardian.com/money/2019/dec/07/i-lost-my-193000-inheritance-with-one-wrong-digit-on-my-sort-code',
    );
    expect(gargron.contentText).not.toContain('<');
    expect(gargron.author).toMatchObject({ acct: 'gargron@mastodon.social', displayName: 'Eugen' });
    expect(gargron).toMatchObject({
      replies: 5,
      reblogs: 6,
      favourites: 11,
      seenBy: [account.id],
      boostedBy: null,
    });
  });

  it('changes nothing when the same page is ingested twice', async () => {
    const { engine, api, ingest, tick } = await setup();
    const quotePost = { ...doc('Status.streaming-update-event.json'), id: '9', uri: 'https://x.example/9' };
    const statuses = [
      ...docsStatuses().map((d) => d.status),
      boostOf(doc('Status.json')),
      { ...quotePost, quote: doc('Quote.json') },
    ];
    expect((await ingest(statuses)).rejected).toEqual([]);
    const before = await dumpTables(engine);
    expect(before.statuses).toHaveLength(5);
    expect(before.timeline_entries!.length).toBeGreaterThan(0);
    const searchBefore = await api.search.posts('inheritance');
    tick();
    const again = await ingest(statuses);
    expect(again).toMatchObject({ inserted: 0, updated: 0, unchanged: statuses.length, rejected: [] });
    expect(await dumpTables(engine)).toEqual(before);
    expect(await api.search.posts('inheritance')).toEqual(searchBefore);
  });

  it('refuses a page for an unknown account or without a timeline', async () => {
    const { ingest, uris } = await setup();
    const name = (p: Promise<unknown>) =>
      p.then(
        () => 'no error',
        (e: Error) => e.name,
      );
    expect(await name(ingest([doc('Status.json')], { accountId: 999 }))).toBe('not_found');
    expect(await name(ingest([doc('Status.json')], { timeline: '' }))).toBe('invalid_input');
    expect(await name(ingest({} as unknown as unknown[]))).toBe('invalid_input');
    expect(await uris()).toEqual([]);
  });

  it('unwraps a boost: the inner post once, the booster on the timeline entry', async () => {
    const { engine, api, ingest } = await setup();
    await ingest([doc('Status.json')]);
    expect((await ingest([boostOf(doc('Status.json'))])).rejected).toEqual([]);
    expect(await count(engine, 'SELECT 1 FROM statuses')).toBe(1);
    expect(await count(engine, "SELECT 1 FROM statuses WHERE uri LIKE '%/activity'")).toBe(0);
    const entries = await engine.db.all(
      `SELECT e.remote_id, a.acct FROM timeline_entries e LEFT JOIN authors a ON a.id = e.boosted_by_author_id
        ORDER BY e.remote_id`,
    );
    expect(entries).toEqual([
      { remote_id: '103270115826048975', acct: null },
      { remote_id: '110000000000000001', acct: 'booster@example.social' },
    ]);
    const { posts } = await api.timeline.page({ order: 'chronological' });
    expect(posts).toHaveLength(1);
    expect(posts[0]).toMatchObject({ uri: GARGRON_URI, author: { acct: 'gargron@mastodon.social' } });
    expect(posts[0]!.boostedBy).toMatchObject({ acct: 'booster@example.social', displayName: 'Boo Ster' });
  });

  it('shows a post seen by two accounts once, with both in seenBy', async () => {
    const { engine, api, account, ingest } = await setup();
    const other = await api.accounts.upsert({
      instance: 'hachyderm.io',
      remoteId: '77',
      acct: 'me',
      displayName: '',
    });
    await ingest([doc('Status.json')]);
    // The other server knows the same post (same URI) under its own id.
    const theirs = { ...doc('Status.json'), id: '112233445566778899' };
    expect((await ingest([theirs], { accountId: other.id })).inserted).toBe(0);
    expect(await count(engine, 'SELECT 1 FROM statuses')).toBe(1);
    const { posts } = await api.timeline.page({ order: 'chronological' });
    expect(posts).toHaveLength(1);
    expect(posts[0]!.seenBy).toEqual([account.id, other.id].sort((a, b) => a - b));
    const onlyOther = await api.timeline.page({ order: 'chronological', accountId: other.id });
    expect(onlyOther.posts.map((p) => p.uri)).toEqual([GARGRON_URI]);
  });

  it('applies an edit: new text and a new search index', async () => {
    const { api, ingest } = await setup();
    const edited = doc('Status.streaming-status.update-event.json');
    expect(edited.edited_at).toBeTruthy();
    const original = { ...edited, edited_at: null, content: '<p>original zeppelin wording</p>' };
    await ingest([original]);
    expect(await api.search.posts('zeppelin')).toHaveLength(1);

    expect(await ingest([edited])).toMatchObject({ inserted: 0, updated: 1 });
    const text = async () => (await api.timeline.page({ order: 'chronological' })).posts[0];
    expect(await text()).toMatchObject({
      contentText: 'edited',
      editedAt: Date.parse(edited.edited_at as string),
    });
    expect(await api.search.posts('zeppelin')).toEqual([]);
    expect((await api.search.posts('edited')).map((p) => p.uri)).toEqual([edited.uri]);

    // The older version arriving late does not undo the edit.
    await ingest([original]);
    expect((await text())!.contentText).toBe('edited');
    expect(await api.search.posts('zeppelin')).toEqual([]);
  });

  it('refreshes counts from a later fetch and ignores an older one', async () => {
    const { api, ingest } = await setup();
    const at = (fetchedAt: number, favourites_count: number, replies_count: number) =>
      ingest([{ ...doc('Status.json'), favourites_count, replies_count }], { fetchedAt });
    const counts = async () => {
      const [post] = (await api.timeline.page({ order: 'chronological' })).posts;
      return { favourites: post!.favourites, replies: post!.replies };
    };
    await at(T0, 11, 5);
    expect(await at(T0 + 1000, 40, 9)).toMatchObject({ updated: 1 });
    expect(await counts()).toEqual({ favourites: 40, replies: 9 });
    expect(await at(T0 + 500, 20, 7)).toMatchObject({ updated: 0, unchanged: 1 });
    expect(await counts()).toEqual({ favourites: 40, replies: 9 });
  });

  it('refuses a status only for a core field, and drops and counts an optional one of the wrong type', async () => {
    const { engine, api, ingest, uris } = await setup();
    const context = doc('Context.json') as { ancestors: Json[] };
    const noTime: Json = {
      ...doc('Status.json'),
      id: '8',
      uri: 'https://mastodon.social/x/8',
      created_at: 'yesterday',
    };
    const wrongType: Json = { ...doc('Status.streaming-update-event.json'), favourites_count: 'many' };
    const result = await ingest([...context.ancestors, doc('Status.json'), wrongType, noTime]);

    expect(result.inserted).toBe(2);
    expect(result.rejected.map((r) => [r.index, r.remoteId])).toEqual([
      [0, context.ancestors[0]!.id],
      [1, context.ancestors[1]!.id],
      [2, context.ancestors[2]!.id],
      [5, '8'],
    ]);
    // The docs' thread example leaves out the URIs: a status without one cannot be stored.
    for (const rejection of result.rejected.slice(0, 3)) expect(rejection.error).toMatch(/\buri\b/);
    expect(result.rejected[3]!.error).toMatch(/created_at/);

    // The post whose count is not a number is stored, the count left out (as zero).
    expect((await uris()).sort()).toEqual([GARGRON_URI, wrongType.uri].sort());
    const stored = (await api.timeline.page({ order: 'chronological' })).posts.find(
      (p) => p.uri === wrongType.uri,
    );
    expect(stored?.favourites).toBe(0);
    // …and the server's field counted once per post, not logged per post.
    expect(await api.servers.diagnostics('mastodon.social')).toMatchObject([
      { instance: 'mastodon.social', field: 'Status.favourites_count', dropped: 1, cut: 0 },
    ]);
    await ingest([{ ...wrongType, id: '9', uri: 'https://mastodon.social/x/9' }]);
    expect((await api.servers.diagnostics('mastodon.social'))[0]?.dropped).toBe(2);

    const errors = await engine.db.all<{ remote_id: string; raw_json: string }>(
      'SELECT remote_id, raw_json FROM ingest_errors ORDER BY id',
    );
    expect(errors.map((e) => e.remote_id)).toEqual(result.rejected.map((r) => r.remoteId));
    expect(JSON.parse(errors[3]!.raw_json)).toMatchObject({ created_at: 'yesterday' });
    // Seeing the same bad status again does not record it twice.
    await ingest([noTime]);
    expect(await count(engine, 'SELECT 1 FROM ingest_errors')).toBe(4);
  });

  it('tombstones a deleted post for good, and a deleted boost removes only its entry', async () => {
    const { engine, api, account, ingest, uris } = await setup();
    const other = doc('Status.streaming-update-event.json');
    await ingest([doc('Status.json'), other, boostOf(other, '110000000000000002')]);
    expect(await api.search.posts('inheritance')).toHaveLength(1);

    expect(await api.ingest.deletions(account.id, ['103270115826048975'])).toBe(1);
    expect(await uris()).toEqual([other.uri]);
    expect(await uris('ranked')).toEqual([other.uri]);
    expect(await api.search.posts('inheritance')).toEqual([]);
    // Gone from the index itself, not only filtered out of results.
    const indexed = "SELECT rowid FROM statuses_fts WHERE statuses_fts MATCH 'inheritance'";
    expect(await engine.db.all(indexed)).toEqual([]);

    // Seen again on a later page, it stays deleted.
    await ingest([doc('Status.json')]);
    expect(await uris()).toEqual([other.uri]);
    expect(await uris('ranked')).toEqual([other.uri]);
    expect(await engine.db.all(indexed)).toEqual([]);
    const row = await engine.db.get(
      'SELECT content_html, content_packed, raw_packed, deleted_at FROM statuses WHERE uri = ?',
      [GARGRON_URI],
    );
    expect(row).toMatchObject({
      content_html: '',
      content_packed: null,
      raw_packed: null,
      deleted_at: expect.any(Number),
    });

    // Deleting the boost leaves the boosted post in place, no longer shown as boosted.
    const boosted = async () => (await api.timeline.page({ order: 'chronological' })).posts[0]!;
    expect((await boosted()).boostedBy?.acct).toBe('booster@example.social');
    expect(await api.ingest.deletions(account.id, ['110000000000000002'])).toBe(1);
    expect(await boosted()).toMatchObject({ uri: other.uri, boostedBy: null, deleted: false });
    expect(await api.search.posts('glad')).toHaveLength(1);
  });

  it('drops a post seen only through a boost from both timelines when the boost is deleted', async () => {
    const { api, account, ingest, uris } = await setup();
    await ingest([doc('Status.json'), boostOf(doc('Status.streaming-update-event.json'))]);
    expect(await uris('ranked')).toHaveLength(2);
    expect(await api.ingest.deletions(account.id, ['110000000000000001'])).toBe(1);
    expect(await uris()).toEqual([GARGRON_URI]);
    expect(await uris('ranked')).toEqual([GARGRON_URI]);
    // The post itself was not deleted on its server: it stays searchable.
    expect(await api.search.posts('glad')).toHaveLength(1);
  });

  it('stores the quoted post of a quote post', async () => {
    const { engine, api, ingest } = await setup();
    const quote: Json = { ...doc('Status.streaming-update-event.json'), quote: doc('Quote.json') };
    expect(await ingest([quote])).toMatchObject({ inserted: 1, rejected: [] });
    const rows = await engine.db.all('SELECT uri, quote_uri, quote_state FROM statuses ORDER BY id');
    expect(rows).toEqual([
      { uri: GARGRON_URI, quote_uri: null, quote_state: null },
      { uri: quote.uri, quote_uri: GARGRON_URI, quote_state: 'accepted' },
    ]);
    expect((await api.search.posts('inheritance')).map((p) => p.uri)).toEqual([GARGRON_URI]);
  });

  it('keeps raw JSON without what is stored elsewhere, and the whole account with the author', async () => {
    const { engine, ingest } = await setup();
    const status = doc('Status.json');
    const quotePost: Json = { ...doc('Status.streaming-update-event.json'), quote: doc('Quote.json') };
    expect((await ingest([status, quotePost])).rejected).toEqual([]);
    const row = async (uri: unknown) => {
      const texts = (await storedTexts(engine.db, uri as string))!;
      const { card } = (await engine.db.get<{ card: string | null }>(
        'SELECT card FROM statuses WHERE uri = ?',
        [uri as string],
      ))!;
      return { raw_json: texts.raw, content_html: texts.html, card, bytes: texts.bytes };
    };

    const stored = await row(GARGRON_URI);
    const { content, card, poll, account, ...rest } = status;
    expect(poll).toBeNull();
    expect(JSON.parse(stored.raw_json)).toEqual({ ...rest, account: { id: (account as Json).id } });
    expect(stored.content_html).toBe(content);
    // Packed: the row holds less than half of what it keeps.
    expect(stored.bytes).toBeLessThan((stored.raw_json.length + stored.content_html.length) / 2);
    // The card as read: what Corgi reads checked, the rest kept as sent.
    expect(JSON.parse(stored.card!)).toEqual(JSON.parse(JSON.stringify(previewCardSchema.parse(card))));
    expect(JSON.parse(stored.card!)).toMatchObject({ url: (card as Json).url, title: (card as Json).title });
    const author = await engine.db.get<{ raw_json: string }>('SELECT raw_json FROM authors WHERE acct = ?', [
      'gargron@mastodon.social',
    ]);
    expect(JSON.parse(author!.raw_json)).toEqual(account);

    // The quoted post has its own row; the quote keeps a reference to it.
    const quoteRaw = JSON.parse((await row(quotePost.uri)).raw_json) as Json;
    expect(quoteRaw.quote).toEqual({ state: 'accepted', quoted_status: { id: status.id, uri: GARGRON_URI } });
  });

  it('rejects alone a status that fails after its schema check, and indexes only the rest', async () => {
    const { engine, api, ingest, uris } = await setup();
    const refused: Json = {
      ...doc('Status.streaming-update-event.json'),
      id: '7',
      uri: 'https://example.social/users/x/statuses/7',
      content: '<p>refused zeppelin</p>',
    };
    await engine.db.exec(
      `CREATE TEMP TRIGGER refuse BEFORE INSERT ON statuses WHEN NEW.uri = '${refused.uri as string}'
       BEGIN SELECT RAISE(ABORT, 'refused by a trigger'); END`,
    );
    const other = doc('Status.streaming-update-event.json');
    const result = await ingest([doc('Status.json'), refused, other]);
    expect(result).toMatchObject({ inserted: 2, updated: 0, unchanged: 0 });
    expect(result.rejected).toEqual([
      { index: 1, remoteId: '7', error: expect.stringMatching(/refused by a trigger/) },
    ]);
    expect((await uris()).sort()).toEqual([GARGRON_URI, other.uri].sort());
    expect(await count(engine, 'SELECT 1 FROM timeline_entries')).toBe(2);
    expect(await count(engine, 'SELECT 1 FROM ingest_errors')).toBe(1);
    expect(await api.search.posts('zeppelin')).toEqual([]);
    expect(await api.search.posts('inheritance')).toHaveLength(1);
    expect(await api.search.posts('glad')).toHaveLength(1);
  });

  it('indexes the last text of a post edited twice in one page', async () => {
    const { api, ingest } = await setup();
    const edited = doc('Status.streaming-status.update-event.json');
    const original = { ...edited, edited_at: null, content: '<p>original zeppelin wording</p>' };
    expect(await ingest([original, edited])).toMatchObject({ inserted: 1, updated: 1, rejected: [] });
    expect(await api.search.posts('zeppelin')).toEqual([]);
    expect((await api.search.posts('edited')).map((p) => p.uri)).toEqual([edited.uri]);

    // Stored before the page, then edited twice in it.
    const later = (minutes: number, text: string) => ({
      ...edited,
      edited_at: new Date(Date.parse(edited.edited_at as string) + minutes * 60_000).toISOString(),
      content: `<p>${text}</p>`,
    });
    expect(await ingest([later(1, 'airship wording'), later(2, 'balloon wording')])).toMatchObject({
      inserted: 0,
      updated: 2,
    });
    expect(await api.search.posts('edited')).toEqual([]);
    expect(await api.search.posts('airship')).toEqual([]);
    expect((await api.search.posts('balloon')).map((p) => p.contentText)).toEqual(['balloon wording']);
  });

  it('marks authors with #nobot in their bio as noindex', async () => {
    const { engine, ingest } = await setup();
    const freon = doc('Status.streaming-update-event.json');
    expect((freon.account as Json).note).toContain('#nobot');
    await ingest([freon, doc('Status.json')]);
    expect(await engine.db.all('SELECT acct, noindex FROM authors ORDER BY acct')).toEqual([
      { acct: 'freon@letsalllovela.in', noindex: 1 },
      { acct: 'gargron@mastodon.social', noindex: 0 },
    ]);
  });
});
