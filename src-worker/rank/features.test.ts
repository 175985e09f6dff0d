import { describe, expect, it } from 'vitest';
import { DocumentFrequencies, HashedNgramEmbedder, type EmbedInput } from './embedder';
import {
  addNearestNeighbours,
  computeContent,
  computeFeatures,
  F,
  FEATURE_COUNT,
  type Candidate,
} from './features';
import { PersonModel } from './person-model';
import { VectorIndex } from './vector-index';

const NOW = Date.UTC(2026, 10, 20, 12);
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

const RUST = ['Rust borrow checker', 'cargo build times', 'Rust async runtimes', 'compiler errors in Rust'];
const BREAD = ['sourdough starter', 'bread rising overnight', 'rye flour crumb', 'baking bread at home'];

const text = (topic: string[], i: number): EmbedInput => ({
  text: `${topic[i % topic.length]} and more about ${topic[(i + 1) % topic.length]} today ${i}`,
  tags: [],
  mentions: [],
  links: [],
  language: 'en',
});

function candidate(id: number, authorId: number, enteredAt: number, vectorSlot = -1): Candidate {
  return {
    id,
    authorId,
    authorAcct: `author${authorId}@example.social`,
    createdAt: enteredAt,
    enteredAt,
    language: 'en',
    tags: [],
    favourites: 0,
    reblogs: 0,
    replies: 0,
    countsAt: enteredAt,
    authorFollowers: 100,
    boosterIds: [],
    mentionsMe: false,
    inThread: false,
    inReplyToId: null,
    source: 'home',
    vectorSlot,
    collaborative: 0,
  };
}

function features(
  model: PersonModel,
  candidates: Candidate[],
  index: VectorIndex | null = null,
): Float32Array {
  const out = new Float32Array(candidates.length * FEATURE_COUNT);
  computeFeatures(model, candidates, NOW, out);
  computeContent(model, candidates, index, out);
  return out;
}

describe('ranking features', () => {
  it('scores content by how often the person acts on a subject, not by how much of it they are shown', () => {
    const frequencies = new DocumentFrequencies();
    for (let i = 0; i < 40; i++) frequencies.observe(text(i % 2 ? RUST : BREAD, i));
    const embedder = new HashedNgramEmbedder(frequencies);
    const index = new VectorIndex();
    const model = new PersonModel();
    // Rust fills the timeline and is favourited now and then; bread is rare and always favourited.
    let id = 0;
    for (let i = 0; i < 200; i++) {
      const bread = i % 10 === 0;
      const slot = index.set(++id, embedder.embed(text(bread ? BREAD : RUST, i)));
      const vector = index.vector(slot);
      const at = NOW - 48 * HOUR + i * 10 * MINUTE;
      model.observeShown(1, at, vector);
      if (bread || i % 20 === 1)
        model.observeFeedback(
          'favourite',
          { id, authorId: 1, tags: [], language: 'en', inReplyToId: null, vector },
          at + MINUTE,
        );
    }
    const rust = index.set(1000, embedder.embed(text(RUST, 7)));
    const bread = index.set(1001, embedder.embed(text(BREAD, 7)));
    const row = features(model, [candidate(1000, 2, NOW, rust), candidate(1001, 2, NOW, bread)], index);
    expect(row[FEATURE_COUNT + F.content]).toBeGreaterThan(row[F.content]! + 0.1);
  });

  it('lifts content close to a post the person acted on lately, which is not its own neighbour', () => {
    const frequencies = new DocumentFrequencies();
    const texts = [
      text(RUST, 0),
      text(RUST, 2),
      text(BREAD, 2),
      { ...text(RUST, 0), text: `${text(RUST, 0).text} again` },
    ];
    for (const t of texts) frequencies.observe(t);
    const embedder = new HashedNgramEmbedder(frequencies);
    const index = new VectorIndex();
    texts.forEach((t, i) => index.set(i + 1, embedder.embed(t)));
    const model = new PersonModel();
    model.observeFeedback(
      'favourite',
      { id: 1, authorId: 1, tags: [], language: 'en', inReplyToId: null, vector: embedder.embed(texts[0]!) },
      NOW - HOUR,
    );
    const candidates = [1, 2, 3, 4].map((id) => candidate(id, 2, NOW, index.slotOf(id)));
    const out = new Float32Array(candidates.length * FEATURE_COUNT);
    expect(addNearestNeighbours(model, candidates, [0, 1, 2, 3], index, out)).toBe(true);
    const lift = (c: number): number => out[c * FEATURE_COUNT + F.content]!;
    expect(lift(0)).toBe(0);
    expect(lift(3)).toBeGreaterThan(lift(1));
    expect(lift(1)).toBeGreaterThan(lift(2));
  });

  it('rates authors by positives per post viewed against the person’s own rate', () => {
    const model = new PersonModel();
    let id = 0;
    const view = (authorId: number, acted: boolean, at: number): void => {
      model.observeSeen(++id, at, authorId);
      if (acted)
        model.observeFeedback(
          'favourite',
          { id, authorId, tags: [], language: 'en', inReplyToId: null, vector: null },
          at + 1000,
        );
    };
    for (const authorId of [1, 2, 998]) model.follows.add(authorId);
    for (let i = 0; i < 400; i++) {
      const at = NOW - 72 * HOUR + i * 5 * MINUTE;
      if (i % 10 === 0)
        view(1, i % 20 === 0, at); // half of author 1's posts
      else if (i % 10 === 1)
        view(2, false, at); // none of author 2's
      else if (i % 4 === 3)
        view(5000 + i, false, at); // none of the boosted-in strangers'
      else {
        model.follows.add(100 + i);
        view(100 + i, i % 25 === 2, at); // a few of everyone else's
      }
    }
    const row = features(model, [
      candidate(9001, 1, NOW),
      candidate(9002, 2, NOW),
      candidate(9003, 998, NOW),
      candidate(9004, 999, NOW),
    ]);
    expect(row[F.author]).toBeGreaterThan(0.5);
    expect(row[FEATURE_COUNT + F.author]).toBeLessThan(-0.1);
    // Someone they follow but have not met yet is as good as anyone they follow; a stranger is
    // worth what strangers have been worth to them.
    expect(Math.abs(row[2 * FEATURE_COUNT + F.author]!)).toBeLessThan(0.15);
    expect(row[3 * FEATURE_COUNT + F.author]).toBeLessThan(row[2 * FEATURE_COUNT + F.author]! - 0.1);

    // "More like this" on a post's hashtags or content says nothing about strangers as authors.
    const stranger = row[3 * FEATURE_COUNT + F.author]!;
    for (let i = 0; i < 20; i++)
      model.observeFeedback(
        'more_like_this',
        { id: 500 + i, authorId: -1, tags: ['trams'], language: null, inReplyToId: null, vector: null },
        NOW - HOUR,
      );
    expect(features(model, [candidate(9004, 999, NOW)])[F.author]).toBeCloseTo(stranger, 5);

    // Someone who has not acted on anything yet: a few posts scrolled past say little.
    const quiet = new PersonModel();
    for (let i = 0; i < 10; i++) quiet.observeShown(2, NOW - i * HOUR);
    expect(Math.abs(features(quiet, [candidate(1, 2, NOW)])[F.author]!)).toBeLessThan(0.1);
  });

  it('rates hashtags by positives per post viewed, not by how many there were', () => {
    // #rust is on every fifth post the person views and they favourite one in ten of them;
    // #trams is on one post in forty and they favourite every other one: fewer favourites, all told.
    const model = new PersonModel();
    let id = 0;
    for (let i = 0; i < 800; i++) {
      const tags = i % 5 === 0 ? ['rust'] : i % 40 === 1 ? ['Trams'] : [];
      const at = NOW - 72 * HOUR + i * 5 * MINUTE;
      model.observeSeen(++id, at, 100 + (i % 50), tags);
      const acted = tags[0] === 'rust' ? i % 50 === 0 : tags.length > 0 ? i % 80 === 1 : i % 30 === 2;
      if (acted)
        model.observeFeedback(
          'favourite',
          { id, authorId: 100 + (i % 50), tags, language: 'en', inReplyToId: null, vector: null },
          at + 1000,
        );
    }
    const tagged = (id: number, tags: string[]): Candidate => ({ ...candidate(id, 100, NOW), tags });
    const row = features(model, [tagged(1, ['rust']), tagged(2, ['trams']), tagged(3, ['knitting'])]);
    expect(row[FEATURE_COUNT + F.tags]).toBeGreaterThan(row[F.tags]! + 0.2);
    // A hashtag never met says nothing; following it lifts it.
    expect(row[2 * FEATURE_COUNT + F.tags]).toBe(0);
    model.followedTags.add('knitting');
    expect(features(model, [tagged(3, ['knitting'])])[F.tags]).toBeGreaterThan(0.2);
  });

  it('rates languages by positives per post viewed in them', () => {
    // A third of what the person views is in German and they act on none of it.
    const model = new PersonModel();
    let id = 0;
    for (let i = 0; i < 300; i++) {
      const language = i % 3 === 0 ? 'de' : 'en';
      const at = NOW - 48 * HOUR + i * 5 * MINUTE;
      model.observeSeen(++id, at, 100 + (i % 20), [], language);
      if (language === 'en' && i % 10 === 1)
        model.observeFeedback(
          'favourite',
          { id, authorId: 100 + (i % 20), tags: [], language, inReplyToId: null, vector: null },
          at + 1000,
        );
    }
    const inLanguage = (id: number, language: string): Candidate => ({
      ...candidate(id, 100, NOW),
      language,
    });
    const row = features(model, [inLanguage(1, 'en'), inLanguage(2, 'de'), inLanguage(3, 'fr')]);
    expect(row[F.language]).toBeGreaterThan(0);
    expect(row[FEATURE_COUNT + F.language]).toBeLessThan(-0.3);
    // A language never met says nothing yet.
    expect(row[2 * FEATURE_COUNT + F.language]).toBe(0);
  });

  it('lifts quiet posters of the home timeline, not strangers found through hashtags or trends', () => {
    const model = new PersonModel();
    model.observeShown(1, NOW - 3 * 24 * HOUR);
    for (let i = 0; i < 60; i++) model.observeShown(2, NOW - i * HOUR);
    const row = features(model, [
      candidate(1, 1, NOW),
      candidate(2, 2, NOW),
      { ...candidate(3, 3, NOW), source: 'trend' },
    ]);
    expect(row[F.quiet]).toBeGreaterThan(0.8);
    expect(row[FEATURE_COUNT + F.quiet]).toBeLessThan(0.2);
    expect(row[2 * FEATURE_COUNT + F.quiet]).toBe(0);
  });

  it('measures recency in the person’s reading: unread posts above, and posts passed over', () => {
    const model = new PersonModel();
    // Visits of 10 posts each, the latest two hours ago.
    let id = 0;
    for (let visit = 5; visit >= 1; visit--)
      for (let i = 0; i < 10; i++) model.observeSeen(++id, NOW - visit * 2 * HOUR - (10 - i) * 10_000);
    expect(model.readsPerVisit()).toBe(10);
    // 40 unread posts since then, one a minute, and one from well before the latest visit.
    const candidates = Array.from({ length: 40 }, (_, i) => candidate(1000 + i, 1, NOW - i * 2 * MINUTE));
    candidates.push(candidate(2000, 1, NOW - 5 * HOUR));
    const row = features(model, candidates);
    const recency = (c: number): number => row[c * FEATURE_COUNT + F.recency]!;
    expect(recency(0)).toBeGreaterThan(recency(10));
    expect(recency(10)).toBeGreaterThan(recency(30));
    // Thirty unread posts above is three visits' worth: as good as gone, beyond what age alone says.
    expect(recency(30)).toBeLessThan(0.5 * (1 - Math.log1p(1) / Math.log1p(24)) + 0.01);
    expect(recency(40)).toBeLessThan(0);
    expect(recency(40)).toBeLessThan(recency(39));
  });

  it('takes reads per visit from most recent visits, not the longest one', () => {
    const model = new PersonModel();
    let id = 0;
    const visit = (start: number, posts: number): void => {
      for (let i = 0; i < posts; i++) model.observeSeen(++id, start + i * 10_000);
    };
    for (const [i, posts] of [10, 10, 60, 10, 10].entries()) visit(NOW - 40 * HOUR + i * 2 * HOUR, posts);
    expect(model.readsPerVisit()).toBe(10);
    // Twenty visits, three of them long: nine in ten visits stay within the long ones.
    for (let i = 5; i < 20; i++) visit(NOW - 30 * HOUR + i * HOUR, i % 7 === 0 ? 50 : 10);
    expect(model.readsPerVisit()).toBe(50);
  });

  it('counts a day without a visit as a whole day of posts, and days before the first visit not at all', () => {
    // Thirty posts come in each night and ten each afternoon; the person reads at 08:00, but not
    // on the third day before this one.
    const model = new PersonModel();
    const midnight = Date.UTC(2026, 10, 20);
    let id = 0;
    for (let day = 10; day >= 1; day--) {
      const night = midnight - day * 24 * HOUR;
      for (let i = 0; i < 30; i++) model.observeShown(1, night + i * 10 * MINUTE);
      for (let i = 0; i < 10; i++) model.observeShown(1, night + 14 * HOUR + i * 10 * MINUTE);
      if (day <= 5 && day !== 3)
        for (let i = 0; i < 20; i++) model.observeSeen(++id, night + 8 * HOUR + i * 10_000, 1);
    }
    expect(model.arrivalsBeforeNextVisit(midnight)).toEqual([30, 30, 40, 30, 30]);
  });

  it('expects the posts that arrive before the next visit to push unread posts down', () => {
    // Every morning at 08:00 the person reads 20 posts; 30 come in overnight, from 00:00 on.
    const model = new PersonModel();
    const midnight = Date.UTC(2026, 10, 20);
    let id = 0;
    for (let day = 7; day >= 1; day--) {
      const night = midnight - day * 24 * HOUR;
      for (let i = 0; i < 30; i++) model.observeShown(1, night + i * 10 * MINUTE);
      for (let i = 0; i < 20; i++) model.observeSeen(++id, night + 8 * HOUR + i * 10_000, 1);
    }
    const lastVisit = midnight - 16 * HOUR;
    expect(model.arrivalsBeforeNextVisit(midnight)).toEqual([30, 30, 30, 30, 30, 30, 30]);
    // While they read, nothing comes in before they get to it.
    expect(model.arrivalsBeforeNextVisit(lastVisit + 20 * 10_000)).toEqual([0]);

    // At midnight, the newest of yesterday's unread posts will be below tonight's 30 by morning.
    const candidates = Array.from({ length: 15 }, (_, i) =>
      candidate(1000 + i, 1, midnight - (i + 1) * MINUTE),
    );
    const out = new Float32Array(candidates.length * FEATURE_COUNT);
    computeFeatures(model, candidates, midnight, out);
    const reading = new Float32Array(candidates.length * FEATURE_COUNT);
    model.observeSeen(++id, midnight - MINUTE, 1);
    computeFeatures(model, candidates, midnight, reading);
    expect(out[F.recency]).toBeLessThan(reading[F.recency]! - 0.5);
    // While reading, the first 15 unread posts are all within one visit's 20.
    expect(reading[14 * FEATURE_COUNT + F.recency]).toBeGreaterThan(reading[F.recency]! - 0.2);
  });

  it('while the person reads, passes over only what the visit before left behind', () => {
    // Every morning at 08:00 the person reads 20 posts; tonight they began again at 23:00 and have
    // read 5 so far.
    const model = new PersonModel();
    const midnight = Date.UTC(2026, 10, 20);
    let id = 0;
    for (let day = 5; day >= 1; day--) {
      const night = midnight - day * 24 * HOUR;
      for (let i = 0; i < 20; i++) model.observeSeen(++id, night + 8 * HOUR + i * 10_000, 1);
    }
    const tonight = midnight - HOUR;
    for (let i = 0; i < 5; i++) model.observeSeen(++id, tonight + i * 10_000, 1);
    const now = tonight + 10 * MINUTE;
    // Came in this afternoon, after this morning's visit: still ahead of them tonight. Came in
    // before this morning's visit and not read then: passed over.
    const candidates = [candidate(1001, 2, midnight - 8 * HOUR), candidate(1002, 2, midnight - 30 * HOUR)];
    const out = new Float32Array(2 * FEATURE_COUNT);
    computeFeatures(model, candidates, now, out);
    expect(out[F.recency]).toBeGreaterThan(0);
    expect(out[FEATURE_COUNT + F.recency]).toBeCloseTo(-0.8, 5);
    // Fifteen more posts is what is left of this visit: a post from before 21:00 (which the next
    // visit will not read down to) with twenty unread above it is unlikely to be reached.
    const deep = Array.from({ length: 21 }, (_, i) =>
      candidate(2000 + i, 2, midnight - 4 * HOUR - i * MINUTE),
    );
    const rows = new Float32Array(deep.length * FEATURE_COUNT);
    computeFeatures(model, deep, now, rows);
    expect(rows[F.recency]).toBeGreaterThan(rows[20 * FEATURE_COUNT + F.recency]! + 0.5);
    // Posts from after 21:00 that this visit leaves unread, the next one will read.
    const later = deep.map((c) => ({ ...c, enteredAt: c.enteredAt + 3 * HOUR }));
    const next = new Float32Array(later.length * FEATURE_COUNT);
    computeFeatures(model, later, now, next);
    expect(next[20 * FEATURE_COUNT + F.recency]).toBeGreaterThan(rows[20 * FEATURE_COUNT + F.recency]! + 0.5);
  });

  it('tells visits from acts when views are not recorded', () => {
    // Every morning at 08:00 the person favourites two posts; no view is recorded. 30 posts come
    // in overnight.
    const model = new PersonModel();
    const midnight = Date.UTC(2026, 10, 20);
    let id = 0;
    for (let day = 4; day >= 1; day--) {
      const night = midnight - day * 24 * HOUR;
      for (let i = 0; i < 30; i++) model.observeShown(1, night + i * 10 * MINUTE);
      for (let i = 0; i < 2; i++) {
        const post = { id: ++id, authorId: 1, tags: [], language: 'en', inReplyToId: null, vector: null };
        model.observeFeedback('favourite', post, night + 8 * HOUR + i * MINUTE);
      }
    }
    expect(model.arrivalsBeforeNextVisit(midnight)).toEqual([30, 30, 30, 30]);
    // Visits without views say nothing about how much a visit reads...
    expect(model.readsPerVisit()).toBe(80);
    // ...until acts show how deep the visits go: each morning a favourite on a post that had 24
    // newer posts above it when the visit began.
    const deep = new PersonModel();
    for (let day = 6; day >= 1; day--) {
      const night = midnight - day * 24 * HOUR;
      for (let i = 0; i < 30; i++) deep.observeShown(1, night + i * 10 * MINUTE);
      const post = { id: ++id, authorId: 1, tags: [], language: 'en', inReplyToId: null, vector: null };
      deep.observeFeedback('favourite', post, night + 8 * HOUR, 1, night + 50 * MINUTE);
      if (day === 3) expect(deep.readsPerVisit()).toBe(80);
    }
    expect(deep.readsPerVisit()).toBe(25);
    // A reply to a post from days before, reached some other way, says nothing of it.
    const old = { id: ++id, authorId: 1, tags: [], language: 'en', inReplyToId: null, vector: null };
    for (let visit = 0; visit < 3; visit++)
      deep.observeFeedback('reply', old, midnight + (9 + visit) * HOUR, 1, midnight - 100 * HOUR);
    expect(deep.readsPerVisit()).toBe(25);
    // What was in the timeline when the latest visit began was probably scrolled past; what came
    // in while they were there was not.
    const lastVisit = midnight - 16 * HOUR;
    const row = new Float32Array(2 * FEATURE_COUNT);
    computeFeatures(
      model,
      [candidate(1, 1, lastVisit - HOUR), candidate(2, 1, lastVisit + 30_000)],
      midnight,
      row,
    );
    expect(row[F.seen]).toBe(0.5);
    expect(row[FEATURE_COUNT + F.seen]).toBe(0);
  });
});
