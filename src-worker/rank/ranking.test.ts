import { describe, expect, it } from 'vitest';
import { readDocsExample } from '../../test/fixtures/docs-statuses';
import { useTestEngines } from '../../test/support/engine';
import {
  RANKING_FEATURES,
  type Account,
  type PostView,
  type RendererApi,
  type WorkerApi,
} from '../../src-shared/worker-api';
import type { Engine } from '../engine';
import { computeFeatures, FEATURE_COUNT } from './features';
import { HASHGRAM_VERSION } from './embedder';
import { embedPending, loadCandidates, loadPersonModel, loadVectors, RankingMemory } from './ranking-store';

type Json = Record<string, unknown>;
const engines = useTestEngines();
const GARGRON = readDocsExample('Status.json') as Json;
const NOW = Date.now();
const MINUTE = 60_000;

function account(name: string, fields: Json = {}): Json {
  return {
    ...(GARGRON.account as Json),
    id: String(1000 + name.length * 31 + name.charCodeAt(0)),
    username: name,
    acct: `${name}@example.social`,
    display_name: name,
    note: '<p>Hello</p>',
    ...fields,
  };
}

let serial = 0;
function post(author: Json, text: string, minutesAgo: number, tags: string[] = []): Json {
  const n = ++serial;
  return {
    ...GARGRON,
    id: String(200000000000000000n + BigInt(n)),
    uri: `https://example.social/statuses/${n}`,
    url: null,
    card: null,
    account: author,
    content: `<p>${text}</p>`,
    tags: tags.map((name) => ({ name, url: `https://example.social/tags/${name}` })),
    created_at: new Date(NOW - minutesAgo * MINUTE).toISOString(),
    favourites_count: 0,
    reblogs_count: 0,
    replies_count: 0,
  };
}

const ANA = account('ana');
const BOB = account('bob');
const TOPICS = [
  'weather today',
  'coffee and trains',
  'a museum visit',
  'football scores',
  'new phone',
  'city walk',
];

/** A home timeline of 60 posts: ana writes about Rust, bob about bread, others about everything. */
async function timeline(now?: () => number): Promise<{
  api: WorkerApi;
  renderer: RendererApi;
  engine: Engine;
  account: Account;
  byAuthor: (posts: PostView[], who: string) => number;
}> {
  const opened = await engines.openWithAccount(now ? { now } : {});
  const statuses: Json[] = [];
  for (let i = 0; i < 60; i++) {
    const minutes = 5 + i * 20;
    if (i % 6 === 0)
      statuses.push(post(ANA, `Rust compiler borrow checker release notes ${i}`, minutes, ['rust']));
    else if (i % 6 === 3)
      statuses.push(post(BOB, `Sourdough bread rising slowly in the kitchen ${i}`, minutes, ['bread']));
    else statuses.push(post(account(`other${i}`), `${TOPICS[i % TOPICS.length]} number ${i}`, minutes));
  }
  const result = await opened.api.ingest.statuses({
    accountId: opened.account.id,
    timeline: 'home',
    statuses,
  });
  expect(result.rejected).toEqual([]);
  while ((await opened.api.ranking.embedPending(100)) > 0);
  return {
    ...opened,
    byAuthor: (posts, who) => posts.filter((p) => p.author.acct.startsWith(who)).length,
  };
}

async function favouriteOldest(api: WorkerApi, who: string, count: number): Promise<number[]> {
  const all = (await api.timeline.page({ order: 'chronological', limit: 200 })).posts;
  const oldest = all.filter((p) => p.author.acct.startsWith(who)).slice(-count);
  for (const p of oldest) await api.interactions.record({ statusId: p.id, kind: 'favourite' });
  return oldest.map((p) => p.id);
}

describe('the ranked timeline', () => {
  it('puts the posts of an author the person favourites first, and says why', async () => {
    const { api, byAuthor } = await timeline();
    const chronological = (await api.timeline.page({ order: 'chronological', limit: 10 })).posts;
    expect(byAuthor(chronological, 'ana')).toBe(2);
    await favouriteOldest(api, 'ana', 3);
    const page = (await api.timeline.page({ order: 'ranked', limit: 10 })).posts;
    expect(byAuthor(page, 'ana')).toBeGreaterThanOrEqual(3);
    const first = page[0]!;
    expect(first.author.acct).toMatch(/^ana@/);
    // Named by what counts most: the author, or what the person liked in their posts.
    expect(first.ranking!.reason).toMatch(
      /^(You often favourite @ana@example\.social|Like posts you favourited about #rust)$/,
    );
    expect(first.ranking!.contributions.author).toBeGreaterThan(0);
    expect(first.ranking!.contributions.content).toBeGreaterThan(0);
    // Posts the person already favourited are there too, but below what they have not seen.
    const settings = await api.ranking.settings();
    expect(settings.preset).toBe('balanced');
    expect(settings.features.find((f) => f.feature === 'author')!.weight).toBeGreaterThan(0);
  });

  it('keeps what was shown in place; "less like this" moves the named author down below it at once', async () => {
    const meanPositionOfAna = async (feedback: boolean): Promise<number> => {
      const { api, byAuthor } = await timeline();
      await favouriteOldest(api, 'ana', 3);
      // Only the author's affinity sets ana apart here.
      await api.ranking.update({ weights: { content: 0, tags: 0 } });
      const first = await api.timeline.page({ order: 'ranked', limit: 3 });
      expect(first.posts[0]!.ranking!.reasonFeature).toBe('author');
      if (feedback) await api.ranking.feedback({ statusId: first.posts[0]!.id, direction: 'less' });
      // The first three were shown: they stay where they were.
      const again = await api.timeline.page({ order: 'ranked', limit: 3 });
      expect(again.posts.map((p) => p.id)).toEqual(first.posts.map((p) => p.id));
      const rest = await api.timeline.page({ order: 'ranked', limit: 100, cursor: again.nextCursor });
      const positions = rest.posts
        .filter((p) => p.author.acct.startsWith('ana'))
        .map((p) => p.ranking!.position);
      expect(byAuthor(rest.posts, 'ana')).toBe(positions.length);
      return positions.reduce((a, b) => a + b, 0) / positions.length;
    };
    const without = await meanPositionOfAna(false);
    expect(await meanPositionOfAna(true)).toBeGreaterThan(without + 5);
  });

  it('"less like this" on a hashtag reason lowers that hashtag only', async () => {
    const { api, account } = await timeline();
    await favouriteOldest(api, 'ana', 3);
    await favouriteOldest(api, 'bob', 3);
    // Only hashtags rank here, so the reason names one.
    const others = RANKING_FEATURES.filter((f) => f !== 'tags' && f !== 'seen' && f !== 'collaborative');
    await api.ranking.update({ weights: Object.fromEntries(others.map((f) => [f, 0])) });
    const both = post(account_('cook'), 'Baking while the compiler runs', 1, ['rust', 'bread']);
    await api.ingest.statuses({ accountId: account.id, timeline: 'home', statuses: [both] });
    await api.ranking.refresh();
    const tagsOf = async (who: string): Promise<number> => {
      const posts = (await api.timeline.page({ order: 'ranked', limit: 100 })).posts;
      return posts.find((p) => p.author.acct.startsWith(who))!.ranking!.contributions.tags!;
    };
    const [anaBefore, bobBefore] = [await tagsOf('ana'), await tagsOf('bob')];
    const page = (await api.timeline.page({ order: 'ranked', limit: 100 })).posts;
    const shown = page.find((p) => p.uri === both.uri)!;
    const named = shown.ranking!.reason.match(/#(\w+)/)![1];
    await api.ranking.feedback({ statusId: shown.id, direction: 'less' });
    await api.ranking.refresh();
    const [lowered, kept] = named === 'rust' ? ['ana', 'bob'] : ['bob', 'ana'];
    expect(await tagsOf(lowered)).toBeLessThan((lowered === 'ana' ? anaBefore : bobBefore) - 0.1);
    expect(await tagsOf(kept)).toBeCloseTo(kept === 'ana' ? anaBefore : bobBefore);
  });

  it('holds posts that arrive later behind "new posts" until asked for', async () => {
    const { api, account } = await timeline();
    const first = (await api.timeline.page({ order: 'ranked', limit: 10 })).posts;
    const fresh = [
      post(ANA, 'Rust borrow checker news just now', 1, ['rust']),
      post(BOB, 'Bread just out of the oven', 2),
    ];
    // A muted author's post never waits: it will not be ranked.
    const loud = account_('loud');
    await api.sync.saveRelations(account.id, 'mute', [loud]);
    await api.ingest.statuses({
      accountId: account.id,
      timeline: 'home',
      statuses: [...fresh, post(loud, 'Shouting into the void', 1)],
    });
    expect(await api.ranking.newPosts()).toBe(2);
    expect((await api.timeline.page({ order: 'ranked', limit: 10 })).posts.map((p) => p.id)).toEqual(
      first.map((p) => p.id),
    );
    expect(await api.ranking.refresh()).toBe(62);
    expect(await api.ranking.newPosts()).toBe(0);
    const uris = (await api.timeline.page({ order: 'ranked', limit: 62 })).posts.map((p) => p.uri);
    expect(uris).toEqual(expect.arrayContaining(fresh.map((f) => f.uri)));
  });

  it('follows the chosen preset and the weights the person sets', async () => {
    const { api, renderer } = await timeline();
    await favouriteOldest(api, 'ana', 3);
    const settings = await api.ranking.update({ preset: 'chronological' });
    expect(settings.preset).toBe('chronological');
    const ranked = (await api.timeline.page({ order: 'ranked', limit: 60 })).posts;
    const times = ranked.map((p) => p.createdAt);
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(ranked.every((p) => p.ranking!.reason.startsWith('New: '))).toBe(true);

    await api.ranking.update({ preset: 'balanced', weights: { author: 0, content: 0, tags: 0 } });
    const view = await api.ranking.settings();
    expect(view.features.find((f) => f.feature === 'author')).toMatchObject({ prior: 0, manual: true });
    const page = (await api.timeline.page({ order: 'ranked', limit: 6 })).posts;
    expect(page.filter((p) => p.author.acct.startsWith('ana'))).toHaveLength(1);
    await expect(renderer.ranking.update({ weights: { author: Number.NaN } })).rejects.toThrow(/weight/);
    await expect(renderer.ranking.update({ discoveryShare: 2 })).rejects.toThrow(/between 0 and 1/);
  });

  it('learns weights a day after a ranking from what was acted on; they can be reset and frozen', async () => {
    let clock = NOW;
    const { api, engine, account: me } = await timeline(() => clock);
    const HOUR = 60 * MINUTE;
    // Two posts were favourited before the first ranking, which is kept to learn from; within the
    // day the person favourites ana's posts and scrolls past others.
    const before = (await api.timeline.page({ order: 'chronological', limit: 2 })).posts;
    for (const p of before) await api.interactions.record({ statusId: p.id, kind: 'favourite' });
    clock += MINUTE;
    const page = (await api.timeline.page({ order: 'ranked', limit: 60 })).posts;
    expect(page).toHaveLength(60);
    clock += HOUR;
    for (const p of page)
      await api.interactions.record({
        statusId: p.id,
        kind: p.author.acct.startsWith('ana') ? 'favourite' : 'view',
      });
    // Not a day yet: nothing learned.
    clock += 2 * HOUR;
    await api.ranking.refresh();
    expect((await api.ranking.settings()).examples).toBe(0);
    // A day on: every ranked post not acted on before is an example, and the weights have moved.
    clock += 22 * HOUR;
    await api.ranking.refresh();
    const learned = await api.ranking.settings();
    expect(learned.examples).toBe(58);
    expect(learned.features.some((f) => f.learned !== 0)).toBe(true);
    // Again at once: the ranking kept now is not a day old.
    await api.ranking.refresh();
    expect(await api.ranking.settings()).toEqual(learned);
    // A settings change a day later learns first, under the weights that ranking was made with.
    clock += HOUR;
    for (const p of page.filter((p) => p.author.acct.startsWith('bob')))
      await api.interactions.record({ statusId: p.id, kind: 'bookmark' });
    clock += 24 * HOUR;
    expect((await api.ranking.update({ discoveryShare: 0.3 })).examples).toBeGreaterThan(58);
    // Frozen: a day later, nothing more is learned.
    const frozen = await api.ranking.update({ learning: false });
    expect(frozen.learning).toBe(false);
    clock += 25 * HOUR;
    await api.ranking.refresh();
    expect((await api.ranking.settings()).features).toEqual(frozen.features);
    const kept = (await api.ranking.settings()).examples;
    // Looked at just before the reset (and muted since, so no later ranking holds them): forgotten
    // with the rest.
    const late = (await api.timeline.page({ order: 'ranked', limit: 60 })).posts
      .filter((p) => p.author.acct.startsWith('other'))
      .slice(0, 5);
    for (const p of late) await api.interactions.record({ statusId: p.id, kind: 'view' });
    await api.sync.saveRelations(
      me.id,
      'mute',
      late.map((p) => ({ acct: p.author.acct })),
    );
    clock += MINUTE;
    const resetAt = clock;
    const reset = await api.ranking.update({ resetLearned: true });
    expect(reset.examples).toBe(0);
    expect(reset.features.every((f) => f.learned === 0)).toBe(true);
    // Reset forgets what was kept to learn from: a day on, only the ranking made since counts.
    await api.ranking.update({ learning: true });
    await api.ranking.refresh();
    clock += HOUR;
    const other = page.find(
      (p) =>
        !/^(ana|bob)/.test(p.author.acct) &&
        ![...before, ...late].some((q) => q.author.acct === p.author.acct),
    )!;
    await api.interactions.record({ statusId: other.id, kind: 'open' });
    clock += 24 * HOUR;
    await api.ranking.refresh();
    const again = (await api.ranking.settings()).examples;
    expect(again).toBeGreaterThan(0);
    expect(again).toBeLessThan(kept);
    const forgotten = await engine.read((tx) =>
      tx.get<{ n: number }>('SELECT count(*) AS n FROM learning_examples WHERE taken_at < ?', [resetAt]),
    );
    expect(forgotten!.n).toBe(0);
  });

  it('learns also from the posts served during the day that the person looked at, as they were ranked', async () => {
    let clock = NOW;
    const { api, account: me } = await timeline(() => clock);
    const HOUR = 60 * MINUTE;
    // The first ranking is kept to learn from; an hour later new posts come in and are ranked.
    expect((await api.timeline.page({ order: 'ranked', limit: 10 })).posts).toHaveLength(10);
    clock += HOUR;
    const carol = account('carol');
    const fresh = Array.from({ length: 8 }, (_, i) =>
      post(carol, `Night trains across Europe ${i}`, -50 - i),
    );
    await api.ingest.statuses({ accountId: me.id, timeline: 'home', statuses: fresh });
    while ((await api.ranking.embedPending(100)) > 0);
    await api.ranking.refresh();
    const served = (await api.timeline.page({ order: 'ranked', limit: 30 })).posts.filter((p) =>
      p.author.acct.startsWith('carol'),
    );
    expect(served.length).toBeGreaterThan(2);
    // The person looks at every one of carol's posts served and favourites two; a post served but
    // never looked at teaches nothing.
    clock += HOUR;
    for (const [i, p] of served.slice(1).entries()) {
      await api.interactions.record({ statusId: p.id, kind: 'view' });
      if (i < 2) await api.interactions.record({ statusId: p.id, kind: 'favourite' });
    }
    clock += 23 * HOUR + MINUTE;
    await api.ranking.refresh();
    // The first ranking's posts were never looked at: with views recorded, only what was looked
    // at (or acted on) is learned from.
    expect((await api.ranking.settings()).examples).toBe(served.length - 1);
  });

  it('counts boosts by people the person follows once it knows whom they follow', async () => {
    const { api, account } = await timeline();
    const boost = (booster: Json, inner: Json, minutesAgo: number): Json => ({
      ...post(booster, '', minutesAgo),
      reblog: inner,
    });
    const carol = account_('carol');
    const dave = account_('dave');
    const byCarol = post(account_('erin'), 'Tram lines of Zurich', 30);
    const byDave = post(account_('frank'), 'Tram lines of Lisbon', 30);
    await api.ingest.statuses({
      accountId: account.id,
      timeline: 'home',
      statuses: [boost(carol, byCarol, 2), boost(dave, byDave, 2)],
    });
    const social = async (): Promise<[number, number]> => {
      await api.ranking.refresh();
      const posts = (await api.timeline.page({ order: 'ranked', limit: 100 })).posts;
      const of = (inner: Json): number =>
        posts.find((p) => p.uri === inner.uri)!.ranking!.contributions.social ?? 0;
      return [of(byCarol), of(byDave)];
    };
    // Until the follows are known, every booster counts.
    const [carolBefore, daveBefore] = await social();
    expect(carolBefore).toBeGreaterThan(0);
    expect(daveBefore).toBeCloseTo(carolBefore);
    const gina = account_('gina');
    await api.sync.saveRelations(account.id, 'follow', [ANA, BOB, carol, gina]);
    const [carolAfter, daveAfter] = await social();
    expect(carolAfter).toBeCloseTo(carolBefore);
    expect(daveAfter).toBe(0);
    // Someone followed whose first post arrives after the ranking knows whom the person follows.
    const byGina = post(account_('hal'), 'Tram lines of Oslo', 20);
    await api.ingest.statuses({
      accountId: account.id,
      timeline: 'home',
      statuses: [boost(gina, byGina, 1)],
    });
    await api.ranking.refresh();
    const posts = (await api.timeline.page({ order: 'ranked', limit: 100 })).posts;
    expect(posts.find((p) => p.uri === byGina.uri)!.ranking!.contributions.social).toBeCloseTo(carolBefore);
  });

  it('tells a mention of the person from a reply in a thread they took part in', async () => {
    const { api, account } = await timeline();
    const me = (await api.accounts.list())[0]!;
    const root = post(account_('rooter'), 'A question about night trains', 50);
    await api.ingest.statuses({ accountId: account.id, timeline: 'home', statuses: [root] });
    const stored = (await api.timeline.page({ order: 'chronological', limit: 200 })).posts;
    await api.interactions.record({ statusId: stored.find((p) => p.uri === root.uri)!.id, kind: 'reply' });
    const answer = {
      ...post(account_('sib'), 'Another answer about night trains', 4),
      in_reply_to_id: root.id,
    };
    const mention = {
      ...post(account_('caller'), 'What do you think, @me?', 6),
      mentions: [{ id: '1', username: 'me', acct: me.acct, url: 'https://mastodon.social/@me' }],
    };
    await api.ingest.statuses({ accountId: account.id, timeline: 'home', statuses: [answer, mention] });
    await api.ranking.refresh();
    const posts = (await api.timeline.page({ order: 'ranked', limit: 100 })).posts;
    const of = (json: Json): PostView => posts.find((p) => p.uri === json.uri)!;
    expect(of(answer).ranking!.reason).toBe('In a conversation you took part in');
    expect(of(mention).ranking!.reason).toBe('Mentions you');
    expect(of(mention).ranking!.contributions.conversation).toBeGreaterThan(
      of(answer).ranking!.contributions.conversation!,
    );

    // Someone called "me" on the server of the person's other account is someone else.
    const other = await api.accounts.upsert({
      instance: 'other.example',
      remoteId: '2',
      acct: 'bob',
      displayName: '',
    });
    const namesake: Json = {
      ...post(account_('caller2'), 'Thanks, @me!', 5),
      mentions: [{ id: '7', username: 'me', acct: 'me', url: 'https://other.example/@me' }],
    };
    await api.ingest.statuses({ accountId: other.id, timeline: 'home', statuses: [namesake] });
    await api.ranking.refresh();
    const after = (await api.timeline.page({ order: 'ranked', limit: 100 })).posts;
    expect(after.find((p) => p.uri === namesake.uri)!.ranking!.contributions.conversation ?? 0).toBe(0);
  });

  it('leaves out muted authors, and authors who ask not to be indexed when they come from discovery', async () => {
    const { api, account } = await timeline();
    const shy = account_('shy', { note: '<p>Please no algorithms #nobot</p>' });
    const shyPost = post(shy, 'Rust tips from a shy person', 3, ['rust']);
    const openPost = post(account_('open'), 'Rust tips from an open person', 4, ['rust']);
    await api.ingest.statuses({ accountId: account.id, timeline: 'tag:rust', statuses: [shyPost, openPost] });
    // A hashtag whose name has "home" in it is a discovery source all the same.
    const shyAtHome = post(shy, 'Zigbee tips from a shy person', 3, ['homeassistant']);
    await api.ingest.statuses({
      accountId: account.id,
      timeline: 'tag:homeassistant',
      statuses: [shyAtHome],
    });
    await api.sync.saveRelations(account.id, 'mute', [BOB]);
    await api.ranking.refresh();
    const uris = (await api.timeline.page({ order: 'ranked', limit: 100 })).posts.map((p) => p.uri);
    expect(uris).toContain(openPost.uri);
    expect(uris).not.toContain(shyPost.uri);
    expect(uris).not.toContain(shyAtHome.uri);
    expect(
      (await api.timeline.page({ order: 'ranked', limit: 100 })).posts.some((p) =>
        p.author.acct.startsWith('bob'),
      ),
    ).toBe(false);
  });
});

describe('the person model in memory', () => {
  it('takes in new interactions and posts as a model built afresh would, and is rebuilt after an undo', async () => {
    const { api, engine, account } = await timeline();
    await favouriteOldest(api, 'ana', 3);
    const memory = new RankingMemory();
    const model = await engine.read((tx, now) => loadPersonModel(tx, memory, now));
    // A minute later: new posts, two favourited, three read.
    const fresh = Array.from({ length: 5 }, (_, i) => post(BOB, `Bread and butter ${i}`, -1 - i, ['bread']));
    await api.ingest.statuses({ accountId: account.id, timeline: 'home', statuses: fresh });
    while ((await api.ranking.embedPending(100)) > 0);
    const stored = (await api.timeline.page({ order: 'chronological', limit: 200 })).posts;
    const ids = fresh.map((f) => stored.find((p) => p.uri === f.uri)!.id);
    for (const [i, id] of ids.entries())
      await api.interactions.record({ statusId: id, kind: i < 2 ? 'favourite' : 'view' });

    const features = async (memoryOf: RankingMemory): Promise<Float32Array> =>
      engine.read(async (tx, now) => {
        const person = await loadPersonModel(tx, memoryOf, now);
        const candidates = await loadCandidates(tx, memoryOf, now);
        const out = new Float32Array(candidates.length * FEATURE_COUNT);
        computeFeatures(person, candidates, now, out);
        return out;
      });
    const sameAsRebuilt = async (digits: number): Promise<void> => {
      const kept = await features(memory);
      const rebuilt = await features(new RankingMemory());
      expect(kept.length).toBe(rebuilt.length);
      for (let i = 0; i < kept.length; i++) expect(kept[i]).toBeCloseTo(rebuilt[i]!, digits);
    };
    await sameAsRebuilt(4);
    expect(memory.model).toBe(model);

    // Posts that reach the server late, dated a little earlier than what the model has seen.
    const late = Array.from({ length: 4 }, (_, i) => post(account_('late'), `Late news ${i}`, 20 + i));
    await api.ingest.statuses({ accountId: account.id, timeline: 'home', statuses: late });
    await sameAsRebuilt(3);
    expect(memory.model).toBe(model);

    // A gap filled with posts from hours ago: built afresh.
    const old = Array.from({ length: 4 }, (_, i) => post(account_('gap'), `Old news ${i}`, 300 + i));
    await api.ingest.statuses({ accountId: account.id, timeline: 'home', statuses: old });
    await sameAsRebuilt(4);
    const afterGap = memory.model;
    expect(afterGap).not.toBe(model);

    // Opens deleted by a stricter privacy level, then as many favourites recorded (SQLite gives
    // the new rows the deleted rows' ids): built afresh.
    for (const id of ids.slice(2)) await api.interactions.record({ statusId: id, kind: 'open' });
    await features(memory);
    await api.privacy.set({ level: 'NONE' });
    for (const id of stored.slice(-3).map((p) => p.id))
      await api.interactions.record({ statusId: id, kind: 'favourite' });
    await sameAsRebuilt(4);
    expect(memory.model).not.toBe(afterGap);

    const beforeUndo = memory.model;
    await api.interactions.undo({ statusId: ids[0]!, kind: 'favourite' });
    await features(memory);
    expect(memory.model).not.toBe(beforeUndo);
  });

  it('embeds an edited post again from its new text', async () => {
    const { api, engine, account } = await timeline();
    const original = post(BOB, 'Sourdough starter notes', 2, ['bread']);
    await api.ingest.statuses({ accountId: account.id, timeline: 'home', statuses: [original] });
    while ((await api.ranking.embedPending(100)) > 0);
    const vector = (): Promise<Uint8Array | undefined> =>
      engine.read(async (tx) =>
        (
          await tx.get<{ vector: Uint8Array }>(
            'SELECT e.vector FROM embeddings e JOIN statuses s ON s.id = e.status_id WHERE s.uri = ?',
            [original.uri as string],
          )
        )?.vector.slice(),
      );
    const before = await vector();
    const edited = {
      ...original,
      content: '<p>Compiler errors in Rust, explained</p>',
      edited_at: new Date(NOW).toISOString(),
    };
    await api.ingest.statuses({ accountId: account.id, timeline: 'home', statuses: [edited] });
    expect(await api.ranking.embedPending(100)).toBe(1);
    const after = await vector();
    expect(after).toBeDefined();
    expect(Buffer.from(after!).equals(Buffer.from(before!))).toBe(false);
  });

  it('counts nothing twice and loses no vector when a batch of embedding fails', async () => {
    const { api, engine, account } = await timeline();
    await engine.write((tx) =>
      tx.run(
        "CREATE TEMP TRIGGER full_disk BEFORE INSERT ON embeddings BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END",
      ),
    );
    const fresh = Array.from({ length: 3 }, (_, i) => post(BOB, `Spelt and rye loaves ${i}`, -1 - i));
    await api.ingest.statuses({ accountId: account.id, timeline: 'home', statuses: fresh });
    await expect(api.ranking.embedPending(100)).rejects.toThrow(/disk is full/);
    await engine.write((tx) => tx.run('DROP TRIGGER temp.full_disk'));
    while ((await api.ranking.embedPending(100)) > 0);
    const stored = await engine.read(async (tx) => ({
      documents: (await tx.get<{ documents: number }>('SELECT documents FROM embedder_state'))?.documents,
      vectors: (await tx.get<{ n: number }>('SELECT count(*) AS n FROM embeddings'))?.n,
    }));
    expect(stored).toEqual({ documents: 63, vectors: 63 });
  });

  it('counts the words of every post anew when the embedder changes, then embeds them all again, newest first, and rebuilds the model on the new vectors', async () => {
    const { api, engine, account } = await timeline();
    await favouriteOldest(api, 'ana', 3);
    // Vectors and word counts of an earlier version of the embedder, and a post not embedded yet.
    await engine.write(async (tx) => {
      await tx.run("UPDATE embeddings SET model_id = 'hashgram-256/1.g0'");
      await tx.run("UPDATE embedder_state SET model = 'hashgram-256'");
    });
    const ingest = (text: string): Promise<unknown> =>
      api.ingest.statuses({ accountId: account.id, timeline: 'home', statuses: [post(BOB, text, 1)] });
    await ingest('Rye bread with a dark crumb');
    const vectors = (): Promise<number> =>
      engine.read(async (tx, now) => (await loadVectors(tx, new RankingMemory(), now)).size);
    const documents = async (): Promise<number | undefined> =>
      (
        await engine.read((tx) =>
          tx.get<{ documents: number }>('SELECT documents FROM embedder_state WHERE model = ?', [
            HASHGRAM_VERSION,
          ]),
        )
      )?.documents;
    const models = (): Promise<{ model_id: string }[]> =>
      engine.read((tx) => tx.all('SELECT DISTINCT model_id FROM embeddings'));
    // Old vectors are not compared with new ones.
    expect(await vectors()).toBe(0);
    const memory = new RankingMemory();
    const model = await engine.read((tx, now) => loadPersonModel(tx, memory, now));
    const batch = (limit: number): Promise<number> =>
      engine.write((tx, now) => embedPending(tx, memory, now, limit));

    // First the words of the posts embedded before are counted, a batch a call.
    expect(await batch(25)).toBe(25);
    expect(await batch(25)).toBe(25);
    expect(await batch(25)).toBe(10);
    expect(await documents()).toBe(60);
    expect(await vectors()).toBe(0);
    expect(memory.model).toBe(model);
    // Then every post is embedded again, with the weights of the whole corpus; the model saved
    // on the old vectors goes with the model in memory.
    await api.ranking.refresh();
    const snapshots = async (): Promise<number> =>
      (await engine.read((tx) => tx.get<{ n: number }>('SELECT count(*) AS n FROM person_model_snapshot')))!
        .n;
    expect(await snapshots()).toBe(1);
    expect(await batch(10)).toBe(10);
    expect(memory.model).toBeNull();
    expect(await snapshots()).toBe(0);
    // A post that comes in meanwhile goes before the rest of the pass.
    const fresh = post(BOB, 'Proofing baskets for bread', 0);
    await api.ingest.statuses({ accountId: account.id, timeline: 'home', statuses: [fresh] });
    expect(await batch(10)).toBe(10);
    const freshVector = await engine.read((tx) =>
      tx.get('SELECT 1 FROM embeddings e JOIN statuses s ON s.id = e.status_id WHERE s.uri = ?', [
        fresh.uri as string,
      ]),
    );
    expect(freshVector).toBeDefined();
    while ((await batch(10)) > 0);
    expect(await models()).toEqual([{ model_id: `${HASHGRAM_VERSION}.g0` }]);
    expect(await vectors()).toBe(62);
    // Each post counted once: those never embedded when they were embedded.
    expect(await documents()).toBe(62);
    const rebuilt = await engine.read((tx, now) => loadPersonModel(tx, memory, now));
    expect(rebuilt).not.toBe(model);

    // New posts alone are counted and embedded, and the model in memory stays.
    const kept = await engine.read((tx, now) => loadPersonModel(tx, memory, now));
    const spelt = post(BOB, 'Baking with spelt flour', 0);
    await api.ingest.statuses({ accountId: account.id, timeline: 'home', statuses: [spelt] });
    expect(await batch(25)).toBe(1);
    expect(await documents()).toBe(63);
    expect(memory.model).toBe(kept);
    expect(await batch(25)).toBe(0);
    // An edit, embedded again, leaves as many posts and vectors as before it.
    const edited = {
      ...spelt,
      content: '<p>Baking with rye flour</p>',
      edited_at: new Date(NOW).toISOString(),
    };
    await api.ingest.statuses({ accountId: account.id, timeline: 'home', statuses: [edited] });
    expect(await batch(25)).toBe(1);
    // The vectors of the IDF generation before, as when that edit's count makes a new one: made
    // again, not counted again.
    await engine.write((tx) => tx.run('UPDATE embeddings SET model_id = ?', [`${HASHGRAM_VERSION}.g9`]));
    while ((await batch(25)) > 0);
    expect(await models()).toEqual([{ model_id: `${HASHGRAM_VERSION}.g0` }]);
    expect(await documents()).toBe(64);
  });

  it("holds the vectors ranking needs, not every vector ever made, and reads an old post's when it is acted on", async () => {
    const { api, engine, account } = await timeline();
    const DAY = 24 * 60;
    // A month and more ago: 600 posts, older than anything the model or the candidates look at.
    const old = Array.from({ length: 600 }, (_, i) =>
      post(account_(`past${i % 7}`), `Hiking trail report ${i}`, 35 * DAY + i * 10, ['hiking']),
    );
    await api.ingest.statuses({ accountId: account.id, timeline: 'home', statuses: old });
    while ((await api.ranking.embedPending(200)) > 0);
    const vectors = await engine.read(
      async (tx) => (await tx.get<{ n: number }>('SELECT count(*) AS n FROM embeddings'))!.n,
    );
    expect(vectors).toBe(660);

    const memory = new RankingMemory();
    const model = await engine.read((tx, now) => loadPersonModel(tx, memory, now));
    // The 60 recent posts, and the newest 340 of the old ones: a quiet timeline ranks its newest 400.
    expect(memory.index.size).toBe(400);
    const oldest = await engine.read(
      async (tx) =>
        (await tx.get<{ id: number }>('SELECT id FROM statuses WHERE uri = ?', [old[599]!.uri as string]))!
          .id,
    );
    expect(memory.index.slotOf(oldest)).toBe(-1);
    expect(model.interests).toHaveLength(0);

    // The person finds the oldest post and favourites it: the model in memory takes in its content
    // as a model built afresh does.
    await api.interactions.record({ statusId: oldest, kind: 'favourite' });
    const features = (memoryOf: RankingMemory): Promise<Float32Array> =>
      engine.read(async (tx, now) => {
        const person = await loadPersonModel(tx, memoryOf, now);
        const candidates = await loadCandidates(tx, memoryOf, now);
        const out = new Float32Array(candidates.length * FEATURE_COUNT);
        computeFeatures(person, candidates, now, out);
        return out;
      });
    const kept = await features(memory);
    expect(memory.model).toBe(model);
    expect(memory.index.slotOf(oldest)).toBeGreaterThanOrEqual(0);
    const rebuilt = new RankingMemory();
    const fresh = await features(rebuilt);
    // Built afresh, the model reads what it learns from on its own: memory holds the candidates'.
    expect(rebuilt.index.size).toBe(400);
    expect(kept.length).toBe(fresh.length);
    for (let i = 0; i < kept.length; i++) expect(kept[i]).toBeCloseTo(fresh[i]!, 4);
    // And the model has it: hiking posts are now like something the person liked.
    expect(model.interests.length).toBeGreaterThan(0);

    // An old post boosted into the timeline now is a candidate, with its vector, though the
    // vectors in memory were read before it came back.
    const boosted = old[500]!;
    const boostedId = await engine.read(
      async (tx) =>
        (await tx.get<{ id: number }>('SELECT id FROM statuses WHERE uri = ?', [boosted.uri as string]))!.id,
    );
    expect(memory.index.slotOf(boostedId)).toBe(-1);
    await api.ingest.statuses({
      accountId: account.id,
      timeline: 'home',
      statuses: [post(account_('booster'), '', 0, [])].map((wrapper) => ({ ...wrapper, reblog: boosted })),
    });
    const candidates = await engine.read((tx, now) => loadCandidates(tx, memory, now));
    const candidate = candidates.find((c) => c.id === boostedId)!;
    expect(candidate.vectorSlot).toBeGreaterThanOrEqual(0);
    expect(memory.index.slotOf(boostedId)).toBe(candidate.vectorSlot);
  });
});

describe('the saved person model', () => {
  const saved = (engine: Engine): Promise<number> =>
    engine.read(
      async (tx) => (await tx.get<{ n: number }>('SELECT count(*) AS n FROM person_model_snapshot'))!.n,
    );
  const featuresOf = (engine: Engine, memory: RankingMemory): Promise<Float32Array> =>
    engine.read(async (tx, now) => {
      const person = await loadPersonModel(tx, memory, now);
      const candidates = await loadCandidates(tx, memory, now);
      const out = new Float32Array(candidates.length * FEATURE_COUNT);
      computeFeatures(person, candidates, now, out);
      return out;
    });
  const expectSame = (a: Float32Array, b: Float32Array): void => {
    expect(a.length).toBe(b.length);

    for (let i = 0; i < a.length; i++) expect(a[i]).toBeCloseTo(b[i]!, 5);
  };

  it('is taken up on a cold start, brought up to date, and ranks as the model kept in memory does', async () => {
    const { api, engine, account } = await timeline();
    await favouriteOldest(api, 'ana', 3);
    await api.ranking.refresh();
    expect(await saved(engine)).toBe(1);
    // Later, more: posts, a favourite, views, a "less like this".
    const fresh = Array.from({ length: 4 }, (_, i) => post(BOB, `Rye and spelt ${i}`, -1 - i, ['bread']));
    await api.ingest.statuses({ accountId: account.id, timeline: 'home', statuses: fresh });
    while ((await api.ranking.embedPending(100)) > 0);
    const stored = (await api.timeline.page({ order: 'chronological', limit: 200 })).posts;
    const ids = fresh.map((f) => stored.find((p) => p.uri === f.uri)!.id);
    await api.interactions.record({ statusId: ids[0]!, kind: 'favourite' });
    for (const id of ids) await api.interactions.record({ statusId: id, kind: 'view' });
    await api.interactions.record({ statusId: ids[1]!, kind: 'less_like_this' });

    const kept = new RankingMemory();
    const warm = await engine.read(async (tx, now) => {
      const model = await loadPersonModel(tx, kept, now);
      return model;
    });
    // The model kept in memory since the save, caught up, against a cold start from the save.
    const cold = new RankingMemory();
    const restored = await featuresOf(engine, cold);
    expect(cold.modelSavedAt).not.toBeNull();
    expect(cold.model).not.toBe(warm);
    expectSame(restored, await featuresOf(engine, kept));
    // What it took in before the save is not read again: changed behind its back, the history
    // makes no difference to a cold start (and would to a build).
    await engine.write((tx) =>
      tx.run("UPDATE interactions SET kind = 'open' WHERE kind = 'favourite' AND status_id <> ?", [ids[0]!]),
    );
    expectSame(await featuresOf(engine, new RankingMemory()), restored);
    await engine.write((tx) => tx.run('DELETE FROM person_model_snapshot'));
    const built = await featuresOf(engine, new RankingMemory());
    expect(built.some((value, i) => Math.abs(value - restored[i]!) > 0.01)).toBe(true);
  });

  it('is built afresh after an undo, a change of whom the person follows, a post deleted, or an unreadable save', async () => {
    const { api, engine, account } = await timeline();
    const favourited = await favouriteOldest(api, 'ana', 2);
    await api.ranking.refresh();
    expect(await saved(engine)).toBe(1);
    const restoredOnColdStart = async (): Promise<boolean> => {
      const memory = new RankingMemory();
      await engine.read((tx, now) => loadPersonModel(tx, memory, now));
      return memory.modelSavedAt !== null;
    };
    expect(await restoredOnColdStart()).toBe(true);

    // An undo: the save no longer matches what it took in.
    await api.interactions.undo({ statusId: favourited[0]!, kind: 'favourite' });
    expect(await restoredOnColdStart()).toBe(false);
    await api.ranking.refresh();
    expect(await restoredOnColdStart()).toBe(true);

    // The same follows again keep it; different ones do not.
    await api.sync.saveRelations(account.id, 'follow', [ANA]);
    await api.ranking.refresh();
    await api.sync.saveRelations(account.id, 'follow', [ANA]);
    expect(await saved(engine)).toBe(1);
    await api.sync.saveRelations(account.id, 'follow', [ANA, BOB]);
    expect(await saved(engine)).toBe(0);
    await api.ranking.refresh();

    // A post deleted on its server.
    const anas = (await api.timeline.page({ order: 'chronological', limit: 200 })).posts.find((p) =>
      p.author.acct.startsWith('ana'),
    )!;
    const remote = await engine.read(
      async (tx) =>
        (await tx.get<{ remote_id: string }>('SELECT remote_id FROM status_refs WHERE status_id = ?', [
          anas.id,
        ]))!,
    );
    expect(await api.ingest.deletions(account.id, [remote.remote_id])).toBe(1);
    expect(await saved(engine)).toBe(0);
    await api.ranking.refresh();
    expect(await saved(engine)).toBe(1);

    // A save that cannot be read is set aside, not trusted.
    await engine.write((tx) =>
      tx.run('UPDATE person_model_snapshot SET state = \'{"model": {"format": 99}}\''),
    );
    expect(await restoredOnColdStart()).toBe(false);
  });
});

const account_ = account;
