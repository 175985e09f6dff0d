import { describe, expect, it } from 'vitest';
import { readDocsExample } from '../../test/fixtures/docs-statuses';
import type { Engine } from '../engine';
import { decay, rebuildAllAffinities } from './interactions';
import { useTestEngines } from '../../test/support/engine';
import type { InteractionInput, WorkerApi } from '../../src-shared/worker-api';

type Json = Record<string, unknown>;

const DAY = 24 * 3600 * 1000;
const NOW = Date.parse('2026-05-01T12:00:00Z');
const engines = useTestEngines();

const doc = (name: string) => readDocsExample(name) as Json;
const tag = (name: string) => ({ name, url: `https://mastodon.social/tags/${name}` });

/** Two posts by Gargron (tagged corgis+dogs and corgis) and one by freon (tagged cats). */
async function setup() {
  let clock = NOW;
  const { engine, api, renderer, account } = await engines.openWithAccount({ now: () => clock });
  const statuses = [
    { ...doc('Status.json'), tags: [tag('Corgis'), tag('dogs')] },
    {
      ...doc('Status.json'),
      id: '2',
      uri: 'https://mastodon.social/users/Gargron/statuses/2',
      tags: [tag('corgis')],
    },
    { ...doc('Status.streaming-update-event.json'), tags: [tag('cats')] },
  ];
  await api.ingest.statuses({ accountId: account.id, timeline: 'home', statuses });
  const ids = await engine.db.all<{ id: number }>('SELECT id FROM statuses ORDER BY id');
  const [gargron1, gargron2, freon] = ids.map((r) => r.id) as [number, number, number];
  return { engine, api, renderer, account, gargron1, gargron2, freon, setClock: (t: number) => (clock = t) };
}

interface Affinity {
  weight: number;
  positives: number;
  negatives: number;
}

async function authorAffinity(engine: Engine, acct: string): Promise<Affinity | undefined> {
  return engine.db.get<Affinity>(
    `SELECT weight, positives, negatives FROM author_affinities
      WHERE author_id = (SELECT id FROM authors WHERE acct = ?)`,
    [acct],
  );
}

async function tagAffinity(engine: Engine, name: string): Promise<Affinity | undefined> {
  return engine.db.get<Affinity>('SELECT weight, positives, negatives FROM tag_affinities WHERE tag = ?', [
    name,
  ]);
}

async function allAffinities(engine: Engine) {
  return {
    authors: await engine.db.all<Affinity & { author_id: number; ref_at: number }>(
      'SELECT author_id, weight, positives, negatives, ref_at FROM author_affinities ORDER BY author_id',
    ),
    tags: await engine.db.all<Affinity & { tag: string; ref_at: number }>(
      'SELECT tag, weight, positives, negatives, ref_at FROM tag_affinities ORDER BY tag',
    ),
  };
}

async function interactionCount(engine: Engine, where = '1'): Promise<number> {
  return (await engine.db.get<{ n: number }>(`SELECT count(*) AS n FROM interactions WHERE ${where}`))!.n;
}

async function errorName(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  return error instanceof Error ? error.name : 'no error';
}

describe('interactions', () => {
  it('keeps one live row for a toggle recorded twice', async () => {
    const { engine, api, gargron1 } = await setup();
    expect(await api.interactions.record({ statusId: gargron1, kind: 'favourite' })).toBe(true);
    expect(await api.interactions.record({ statusId: gargron1, kind: 'favourite' })).toBe(false);
    expect(await interactionCount(engine, "kind = 'favourite' AND undone_at IS NULL")).toBe(1);
  });

  it('undoes and redoes a toggle', async () => {
    const { engine, api, renderer, gargron1 } = await setup();
    const fav: InteractionInput = { statusId: gargron1, kind: 'favourite' };
    await api.interactions.record(fav);
    expect(await api.interactions.undo(fav)).toBe(true);
    expect(await api.interactions.undo(fav)).toBe(false);
    expect(await interactionCount(engine, 'undone_at IS NULL')).toBe(0);
    expect(await api.interactions.record(fav)).toBe(true);
    expect(await interactionCount(engine, 'undone_at IS NULL')).toBe(1);
    expect(await interactionCount(engine)).toBe(2);
    expect(await errorName(renderer.interactions.undo({ statusId: gargron1, kind: 'view' }))).toBe(
      'invalid_input',
    );
  });

  it('refuses unknown posts and kinds', async () => {
    const { renderer, gargron1 } = await setup();
    expect(await errorName(renderer.interactions.record({ statusId: 9999, kind: 'favourite' }))).toBe(
      'not_found',
    );
    const bad = { statusId: gargron1, kind: 'poke' } as unknown as InteractionInput;
    expect(await errorName(renderer.interactions.record(bad))).toBe('invalid_input');
  });

  it('raises author and tag affinities with positive interactions and lowers them with less_like_this', async () => {
    const { engine, api, gargron1, gargron2 } = await setup();
    expect(await authorAffinity(engine, 'gargron@mastodon.social')).toBeUndefined();
    await api.interactions.record({ statusId: gargron1, kind: 'favourite' });
    const afterFavourite = await authorAffinity(engine, 'gargron@mastodon.social');
    expect(afterFavourite).toMatchObject({ positives: 1, negatives: 0 });
    expect(afterFavourite!.weight).toBeGreaterThan(0);
    expect((await tagAffinity(engine, 'corgis'))!.weight).toBeGreaterThan(0);
    expect((await tagAffinity(engine, 'dogs'))!.weight).toBeGreaterThan(0);

    await api.interactions.record({ statusId: gargron2, kind: 'bookmark' });
    const afterBookmark = await authorAffinity(engine, 'gargron@mastodon.social');
    expect(afterBookmark!.weight).toBeGreaterThan(afterFavourite!.weight);
    const corgisBefore = (await tagAffinity(engine, 'corgis'))!.weight;
    const dogsBefore = (await tagAffinity(engine, 'dogs'))!.weight;

    await api.interactions.record({ statusId: gargron2, kind: 'less_like_this' });
    const afterLess = await authorAffinity(engine, 'gargron@mastodon.social');
    expect(afterLess!.weight).toBeLessThan(afterBookmark!.weight);
    expect(afterLess!.negatives).toBe(1);
    expect((await tagAffinity(engine, 'corgis'))!.weight).toBeLessThan(corgisBefore);
    // A tag the disliked post does not carry is untouched.
    expect((await tagAffinity(engine, 'dogs'))!.weight).toBeCloseTo(dogsBefore, 12);

    // Undoing the dislike restores the affinity.
    await api.interactions.undo({ statusId: gargron2, kind: 'less_like_this' });
    expect((await authorAffinity(engine, 'gargron@mastodon.social'))!.weight).toBeCloseTo(
      afterBookmark!.weight,
      12,
    );
  });

  it('at level NONE records Mastodon actions but not local signals', async () => {
    const { engine, api, freon } = await setup();
    await api.privacy.set({ level: 'NONE' });
    expect(await api.interactions.record({ statusId: freon, kind: 'dwell', value: 20_000 })).toBe(false);
    expect(await api.interactions.record({ statusId: freon, kind: 'less_like_this' })).toBe(false);
    expect(await interactionCount(engine)).toBe(0);
    expect(await api.interactions.record({ statusId: freon, kind: 'favourite' })).toBe(true);
    expect(await interactionCount(engine, "kind = 'favourite'")).toBe(1);
    // Back at LIMITED a dwell is recorded.
    await api.privacy.set({ level: 'LIMITED' });
    expect(await api.interactions.record({ statusId: freon, kind: 'dwell', value: 20_000 })).toBe(true);
  });

  it('switching to NONE drops local signals and what they added to affinities', async () => {
    const { engine, api, freon } = await setup();
    await api.interactions.record({ statusId: freon, kind: 'favourite' });
    const favouriteOnly = (await authorAffinity(engine, 'freon@letsalllovela.in'))!;
    await api.interactions.record({ statusId: freon, kind: 'less_like_this' });
    await api.interactions.record({ statusId: freon, kind: 'dwell', value: 30_000 });
    expect((await authorAffinity(engine, 'freon@letsalllovela.in'))!.negatives).toBe(1);

    await api.privacy.set({ level: 'NONE' });
    expect(await interactionCount(engine)).toBe(1);
    const after = (await authorAffinity(engine, 'freon@letsalllovela.in'))!;
    expect(after).toMatchObject({ positives: 1, negatives: 0 });
    expect(after.weight).toBeCloseTo(favouriteOnly.weight, 9);
    expect((await tagAffinity(engine, 'cats'))!.weight).toBeCloseTo(favouriteOnly.weight, 9);
  });
});

describe('privacy retention', () => {
  async function recordHistory(api: WorkerApi, ids: { gargron1: number; gargron2: number; freon: number }) {
    const { gargron1, gargron2, freon } = ids;
    await api.interactions.record({ statusId: gargron1, kind: 'favourite', at: NOW - 40 * DAY });
    await api.interactions.record({ statusId: gargron2, kind: 'bookmark', at: NOW - 35 * DAY });
    await api.interactions.record({ statusId: freon, kind: 'dwell', value: 25_000, at: NOW - 45 * DAY });
    await api.interactions.record({ statusId: freon, kind: 'less_like_this', at: NOW - 31 * DAY });
    await api.interactions.record({ statusId: gargron2, kind: 'boost', at: NOW - 50 * DAY });
    await api.interactions.undo({ statusId: gargron2, kind: 'boost', at: NOW - 49 * DAY });
    await api.interactions.record({ statusId: gargron1, kind: 'reply', at: NOW - 5 * DAY });
    await api.interactions.record({ statusId: freon, kind: 'open', at: NOW - DAY });
  }

  it('at LIMITED deletes interactions past retention and folds them without changing affinities', async () => {
    const { engine, api, ...ids } = await setup();
    expect(await api.privacy.get()).toEqual({ level: 'LIMITED', retentionDays: 30 });
    await recordHistory(api, ids);
    const before = await allAffinities(engine);
    expect(before.authors).toHaveLength(2);
    expect(before.tags.map((t) => t.tag)).toEqual(['cats', 'corgis', 'dogs']);

    expect(await api.privacy.applyRetention(NOW)).toEqual({ folded: 5 });
    expect(await interactionCount(engine)).toBe(2);
    expect(await interactionCount(engine, `at < ${NOW - 30 * DAY}`)).toBe(0);

    const after = await allAffinities(engine);
    expect(after.authors.map(({ weight: _, ref_at: __, ...rest }) => rest)).toEqual(
      before.authors.map(({ weight: _, ref_at: __, ...rest }) => rest),
    );
    expect(after.tags.map(({ weight: _, ref_at: __, ...rest }) => rest)).toEqual(
      before.tags.map(({ weight: _, ref_at: __, ...rest }) => rest),
    );
    after.authors.forEach((a, i) =>
      expect(Math.abs(a.weight - before.authors[i]!.weight)).toBeLessThan(1e-9),
    );
    after.tags.forEach((t, i) => expect(Math.abs(t.weight - before.tags[i]!.weight)).toBeLessThan(1e-9));

    // Nothing more to fold; and a new interaction builds on the folded part.
    expect(await api.privacy.applyRetention(NOW)).toEqual({ folded: 0 });
    const gargronBefore = (await authorAffinity(engine, 'gargron@mastodon.social'))!;
    await api.interactions.record({ statusId: ids.gargron2, kind: 'favourite', at: NOW });
    const gargronAfter = (await authorAffinity(engine, 'gargron@mastodon.social'))!;
    expect(gargronAfter.weight - gargronBefore.weight).toBeCloseTo(1, 9);
    expect(gargronAfter.positives).toBe(gargronBefore.positives + 1);
  });

  it('keeps each affinity as a rebuild from every interaction would, a view changing none and an undo taking its part out', async () => {
    const { engine, api, setClock, ...ids } = await setup();
    await api.interactions.record({ statusId: ids.gargron1, kind: 'view' });
    expect(await allAffinities(engine)).toEqual({ authors: [], tags: [] });
    // Days apart, as the clock moves: each one added to sums decayed to its own time.
    setClock(NOW + 3 * DAY);
    await recordHistory(api, ids);
    setClock(NOW + 9 * DAY);
    await api.interactions.record({ statusId: ids.gargron2, kind: 'favourite' });
    await api.interactions.record({ statusId: ids.freon, kind: 'dwell', value: 9_000 });
    // An undo takes its interaction out of the sums the same way.
    await api.interactions.undo({ statusId: ids.gargron2, kind: 'favourite' });
    const kept = await allAffinities(engine);
    await engine.write((tx) => rebuildAllAffinities(tx, NOW + 9 * DAY));
    const rebuilt = await allAffinities(engine);
    expect(kept.authors.map(({ weight: _, ref_at: __, ...rest }) => rest)).toEqual(
      rebuilt.authors.map(({ weight: _, ref_at: __, ...rest }) => rest),
    );
    expect(kept.tags.map(({ weight: _, ref_at: __, ...rest }) => rest)).toEqual(
      rebuilt.tags.map(({ weight: _, ref_at: __, ...rest }) => rest),
    );
    // A sum is kept as of its last change: compared as of one time.
    const asOf = (rows: { weight: number; ref_at: number }[]) =>
      rows.map((r) => r.weight * decay(r.ref_at, NOW + 9 * DAY));
    const [keptAuthors, keptTags] = [asOf(kept.authors), asOf(kept.tags)];
    asOf(rebuilt.authors).forEach((w, i) => expect(keptAuthors[i]).toBeCloseTo(w, 9));
    asOf(rebuilt.tags).forEach((w, i) => expect(keptTags[i]).toBeCloseTo(w, 9));
  });

  it('at FULL keeps every interaction', async () => {
    const { engine, api, ...ids } = await setup();
    await api.privacy.set({ level: 'FULL' });
    await recordHistory(api, ids);
    const before = await allAffinities(engine);
    expect(await api.privacy.applyRetention(NOW + 400 * DAY)).toEqual({ folded: 0 });
    expect(await interactionCount(engine)).toBe(7);
    expect(await allAffinities(engine)).toEqual(before);
  });

  it('refuses an unknown level or a retention out of range, keeping the settings', async () => {
    const { renderer } = await setup();
    await renderer.privacy.set({ level: 'FULL', retentionDays: 90 });
    const level = 'SOMETIMES' as unknown as 'FULL';
    expect(await errorName(renderer.privacy.set({ level }))).toBe('invalid_input');
    for (const retentionDays of [0, -1, 1.5, 100_000]) {
      expect(await errorName(renderer.privacy.set({ retentionDays })), String(retentionDays)).toBe(
        'invalid_input',
      );
    }
    // A valid level beside an invalid retention is not half applied.
    expect(await errorName(renderer.privacy.set({ level: 'NONE', retentionDays: 0 }))).toBe('invalid_input');
    expect(await renderer.privacy.get()).toEqual({ level: 'FULL', retentionDays: 90 });
  });
});
