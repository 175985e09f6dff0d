import { describe, expect, it } from 'vitest';
import { readDocsExample } from '../../test/fixtures/docs-statuses';
import type { Engine } from '../engine';
import { useTestEngines } from '../../test/support/engine';
import type { PageCursor, WorkerApi } from '../../src-shared/worker-api';

const BASE = Date.parse('2026-03-01T00:00:00Z');
const LIMIT = 20;
const engines = useTestEngines();

/** Status.json as post number n: a higher number is a newer post with a higher id. */
function post(n: number): Record<string, unknown> {
  const status = readDocsExample('Status.json') as Record<string, unknown>;
  return {
    ...status,
    id: String(110000000000000000n + BigInt(n)),
    uri: `https://mastodon.social/users/Gargron/statuses/synthetic-${n}`,
    url: null,
    created_at: new Date(BASE + n * 60_000).toISOString(),
  };
}
const idOf = (n: number) => String(110000000000000000n + BigInt(n));

/** Posts newest to oldest, from `from` down to `to`, as Mastodon returns them. */
function range(from: number, to: number): Record<string, unknown>[] {
  const list = [];
  for (let n = from; n >= to; n--) list.push(post(n));
  return list;
}

async function setup(): Promise<{
  api: WorkerApi;
  engine: Engine;
  fetch: (statuses: Record<string, unknown>[], cursor?: PageCursor) => Promise<void>;
  gaps: () => ReturnType<WorkerApi['timeline']['gaps']>;
}> {
  const { engine, api, account } = await engines.openWithAccount();
  return {
    api,
    engine,
    fetch: async (statuses, cursor) => {
      const result = await api.ingest.statuses({
        accountId: account.id,
        timeline: 'home',
        statuses,
        cursor,
        limit: LIMIT,
      });
      expect(result.rejected).toEqual([]);
    },
    gaps: () => api.timeline.gaps(account.id, 'home'),
  };
}

async function stretchCount(engine: Engine): Promise<number> {
  return (await engine.db.get<{ n: number }>('SELECT count(*) AS n FROM timeline_stretches'))!.n;
}

describe('timeline.gaps', () => {
  it('knows nothing about a timeline never fetched', async () => {
    const { gaps } = await setup();
    expect(await gaps()).toEqual([]);
  });

  it('leaves the unfetched past below the first page', async () => {
    const { fetch, gaps } = await setup();
    await fetch(range(200, 181));
    expect(await gaps()).toEqual([{ olderThan: idOf(181), newerThan: null }]);
  });

  it('continues the stretch with a page fetched below its oldest id', async () => {
    const { engine, fetch, gaps } = await setup();
    await fetch(range(200, 181));
    await fetch(range(180, 161), { maxId: idOf(181) });
    expect(await gaps()).toEqual([{ olderThan: idOf(161), newerThan: null }]);
    expect(await stretchCount(engine)).toBe(1);
  });

  it('keeps a gap between a newer top page and the stretch it does not reach', async () => {
    const { engine, fetch, gaps } = await setup();
    await fetch(range(200, 181));
    await fetch(range(180, 161), { maxId: idOf(181) });
    await fetch(range(250, 231));
    expect(await gaps()).toEqual([
      { olderThan: idOf(231), newerThan: idOf(200) },
      { olderThan: idOf(161), newerThan: null },
    ]);
    expect(await stretchCount(engine)).toBe(2);
  });

  it('narrows the gap as it is filled from above, then closes it on overlap', async () => {
    const { engine, fetch, gaps } = await setup();
    await fetch(range(200, 181));
    await fetch(range(250, 231));
    await fetch(range(230, 211), { maxId: idOf(231) });
    expect(await gaps()).toEqual([
      { olderThan: idOf(211), newerThan: idOf(200) },
      { olderThan: idOf(181), newerThan: null },
    ]);
    // The server returns up to and past the older stretch's newest post: the two become one.
    await fetch(range(210, 191), { maxId: idOf(211) });
    expect(await gaps()).toEqual([{ olderThan: idOf(181), newerThan: null }]);
    expect(await stretchCount(engine)).toBe(1);
  });

  it('joins stretches when a min_id page fills a gap from below', async () => {
    const { engine, fetch, gaps } = await setup();
    await fetch(range(200, 181));
    await fetch(range(235, 216));
    expect(await gaps()).toEqual([
      { olderThan: idOf(216), newerThan: idOf(200) },
      { olderThan: idOf(181), newerThan: null },
    ]);
    // min_id returns the posts right above that id (newest first), reaching into the newer stretch.
    await fetch(range(220, 201), { minId: idOf(200) });
    expect(await gaps()).toEqual([{ olderThan: idOf(181), newerThan: null }]);
    expect(await stretchCount(engine)).toBe(1);
  });

  it('fills a gap fetched with both max_id and min_id from the bottom up', async () => {
    const { engine, fetch, gaps } = await setup();
    await fetch(range(200, 181));
    await fetch(range(260, 241));
    // With both cursors Mastodon returns the posts right above min_id: a full page leaves the top open.
    await fetch(range(220, 201), { maxId: idOf(241), minId: idOf(200) });
    expect(await gaps()).toEqual([
      { olderThan: idOf(241), newerThan: idOf(220) },
      { olderThan: idOf(181), newerThan: null },
    ]);
    await fetch(range(240, 221), { maxId: idOf(241), minId: idOf(220) });
    expect(await gaps()).toEqual([
      { olderThan: idOf(241), newerThan: idOf(240) },
      { olderThan: idOf(181), newerThan: null },
    ]);
    // Nothing left between the two: they join, and the timeline's end is still unknown.
    await fetch([], { maxId: idOf(241), minId: idOf(240) });
    expect(await gaps()).toEqual([{ olderThan: idOf(181), newerThan: null }]);
    expect(await stretchCount(engine)).toBe(1);
  });

  it('joins both stretches when a page with both cursors comes back short', async () => {
    const { engine, fetch, gaps } = await setup();
    await fetch(range(200, 181));
    await fetch(range(230, 211));
    await fetch(range(210, 201), { maxId: idOf(211), minId: idOf(200) });
    expect(await gaps()).toEqual([{ olderThan: idOf(181), newerThan: null }]);
    expect(await stretchCount(engine)).toBe(1);
  });

  it('marks the end when a max_id page comes back short', async () => {
    const { fetch, gaps } = await setup();
    await fetch(range(200, 181));
    await fetch(range(180, 171), { maxId: idOf(181) });
    expect(await gaps()).toEqual([]);
    // A new top page that overlaps keeps the end known.
    await fetch(range(210, 191));
    expect(await gaps()).toEqual([]);
  });

  it('marks the end when a max_id page comes back empty', async () => {
    const { fetch, gaps } = await setup();
    await fetch(range(200, 181));
    await fetch([], { maxId: idOf(181) });
    expect(await gaps()).toEqual([]);
  });

  it('does not take a short top page for the end of the timeline', async () => {
    const { fetch, gaps } = await setup();
    await fetch(range(200, 195));
    expect(await gaps()).toEqual([{ olderThan: idOf(195), newerThan: null }]);
  });

  it('keeps gaps per account and timeline', async () => {
    const { api, fetch, gaps } = await setup();
    await fetch(range(200, 181));
    const other = await api.accounts.upsert({
      instance: 'example.org',
      remoteId: '3',
      acct: 'x',
      displayName: '',
    });
    await api.ingest.statuses({
      accountId: other.id,
      timeline: 'home',
      statuses: range(100, 91),
      limit: LIMIT,
    });
    expect(await api.timeline.gaps(other.id, 'home')).toEqual([{ olderThan: idOf(91), newerThan: null }]);
    expect(await api.timeline.gaps(other.id, 'public')).toEqual([]);
    expect(await gaps()).toEqual([{ olderThan: idOf(181), newerThan: null }]);
  });
});
