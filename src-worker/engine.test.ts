import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { docsStatuses } from '../test/fixtures/docs-statuses';
import { LATEST_SCHEMA_VERSION } from './engine';
import { useTestEngines } from '../test/support/engine';
import type { WorkerApi } from '../src-shared/worker-api';

const GARGRON_URI = 'https://mastodon.social/users/Gargron/statuses/103270115826048975';
const engines = useTestEngines();
const tempDir = engines.tempDir;
const open = (directory?: string) =>
  engines.open({ directory, now: () => Date.parse('2026-06-01T09:30:00Z') });

async function fill(api: WorkerApi): Promise<void> {
  const account = await api.accounts.upsert({
    instance: 'mastodon.social',
    remoteId: '3',
    acct: 'me',
    displayName: '',
  });
  const result = await api.ingest.statuses({
    accountId: account.id,
    timeline: 'home',
    statuses: docsStatuses().map((d) => d.status),
  });
  expect(result.rejected).toEqual([]);
}

/** A file-backed database with posts, closed, then overwritten in its middle pages. */
async function damagedDirectory(): Promise<{ dir: string; damaged: Buffer }> {
  const dir = tempDir();
  const { engine, api } = await open(dir);
  await fill(api);
  await engine.close();
  const file = path.join(dir, 'corgi.sqlite');
  const size = fs.statSync(file).size;
  expect(size).toBeGreaterThan(32768 + 65536);
  const fd = fs.openSync(file, 'r+');
  fs.writeSync(fd, Buffer.alloc(65536, 0xab), 0, 65536, 32768);
  fs.closeSync(fd);
  return { dir, damaged: fs.readFileSync(file) };
}

/**
 * Opening reads the whole file only after an unclean shutdown: here the damage is met by the
 * background check, reading through the database, as it would be while the app is idle.
 */
async function findDamage(api: WorkerApi): Promise<void> {
  for (let slice = 0; slice < 10_000; slice++) {
    const state = await api.upkeep.checkIntegrity().catch(() => null);
    if (state === null || state.done) return;
  }
}

async function errorOf(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => new Error('no error'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Error);
  return error as Error;
}

describe('engine', () => {
  it('opens a fresh in-memory database at the latest schema', async () => {
    const { api } = await open();
    expect(await api.status()).toEqual({
      state: 'ready',
      detail: null,
      schemaVersion: LATEST_SCHEMA_VERSION,
      storage: 'memory',
      statuses: 0,
      recoveredCopies: [],
      checkedAtOpen: false,
    });
    await fill(api);
    expect((await api.status()).statuses).toBe(4);
  });

  it('keeps posts, accounts and settings across a reopen of a file database', async () => {
    const dir = tempDir();
    const first = await open(dir);
    await fill(first.api);
    await first.api.privacy.set({ level: 'FULL' });
    const before = await first.api.timeline.page({ order: 'chronological' });
    await first.engine.close();

    const second = await open(dir);
    expect(await second.api.status()).toMatchObject({ state: 'ready', storage: 'file', statuses: 4 });
    expect(await second.api.timeline.page({ order: 'chronological' })).toEqual(before);
    expect((await second.api.search.posts('inheritance')).map((p) => p.uri)).toEqual([GARGRON_URI]);
    expect((await second.api.accounts.list()).map((a) => a.acct)).toEqual(['me@mastodon.social']);
    expect((await second.api.privacy.get()).level).toBe('FULL');
  });

  it('makes a file with 16 KB pages and incremental vacuum, and opening it again writes nothing', async () => {
    const dir = tempDir();
    const first = await open(dir);
    await fill(first.api);
    await first.engine.close();
    const file = path.join(dir, 'corgi.sqlite');
    const made = fs.readFileSync(file);
    // The header: the page size (offset 16, big-endian) and the incremental-vacuum flag (offset 64).
    expect(made.readUInt16BE(16)).toBe(16384);
    expect(made.readUInt32BE(64)).toBe(1);

    const second = await open(dir);
    expect(await second.api.status()).toMatchObject({ state: 'ready', statuses: 4 });
    await second.engine.close();
    expect(fs.readFileSync(file).equals(made)).toBe(true);
  });

  it('reports a damaged database and refuses other calls with damaged_database', async () => {
    const { dir } = await damagedDirectory();
    const { api } = await open(dir);
    await findDamage(api);
    const status = await api.status();
    expect(status.state).toBe('damaged');
    expect(status.detail).toEqual(expect.any(String));
    expect(status.detail!.length).toBeGreaterThan(0);
    expect(status.recoveredCopies).toEqual([]);

    const calls: [string, () => Promise<unknown>][] = [
      ['timeline.page', () => api.timeline.page({ order: 'chronological' })],
      ['search.posts', () => api.search.posts('inheritance')],
      ['accounts.list', () => api.accounts.list()],
      ['privacy.get', () => api.privacy.get()],
      ['exportEverything', () => api.privacy.exportEverything()],
      ['ingest.statuses', () => api.ingest.statuses({ accountId: 1, timeline: 'home', statuses: [] })],
    ];
    for (const [name, call] of calls) {
      const error = await errorOf(call());
      expect(error.name, name).toBe('damaged_database');
      expect(error.message, name).toMatch(/damaged/i);
    }
  });

  it('recovers by keeping a copy of the damaged file and starting an empty, working database', async () => {
    const { dir, damaged } = await damagedDirectory();
    const { api } = await open(dir);
    await findDamage(api);
    expect((await api.status()).state).toBe('damaged');

    const status = await api.recoverDamagedDatabase();
    expect(status).toMatchObject({
      state: 'ready',
      detail: null,
      statuses: 0,
      schemaVersion: LATEST_SCHEMA_VERSION,
    });
    expect(status.recoveredCopies).toHaveLength(1);
    const copy = path.join(dir, 'recovered', status.recoveredCopies[0]!);
    expect(fs.existsSync(copy)).toBe(true);
    // The file as it was when recovered: the damaged pages as they were (the background check
    // that found them wrote where it had got to, elsewhere).
    const kept = fs.readFileSync(copy);
    expect(kept.length).toBe(damaged.length);
    expect(kept.subarray(32768, 32768 + 65536).equals(damaged.subarray(32768, 32768 + 65536))).toBe(true);

    expect(await api.accounts.list()).toEqual([]);
    expect((await api.timeline.page({ order: 'chronological' })).posts).toEqual([]);
    await fill(api);
    expect((await api.search.posts('inheritance')).map((p) => p.uri)).toEqual([GARGRON_URI]);
    // Recovering a healthy database changes nothing.
    expect(await api.recoverDamagedDatabase()).toMatchObject({ state: 'ready', statuses: 4 });
    expect((await api.status()).recoveredCopies).toHaveLength(1);
  });

  it('reports slow calls by name', async () => {
    const slow: string[] = [];
    const { api } = await engines.open({ slowMs: -1, onSlowCall: (name) => slow.push(name) });
    await api.privacy.get();
    await api.timeline.page({ order: 'ranked' });
    expect(slow).toEqual(['privacy.get', 'timeline.page']);
  });

  it('counts the person idle while only the screen polls, the sync writes and upkeep runs', async () => {
    const { api } = await open();
    expect(await api.upkeep.idleMs()).toBe(Number.POSITIVE_INFINITY);
    // What runs whether anyone is there or not.
    await api.status();
    await api.accounts.list();
    await api.ranking.newPosts();
    await api.ranking.embedPending(10);
    await api.upkeep.checkIntegrity();
    await api.upkeep.dropOldPosts();
    await api.ingest.statuses({ accountId: 1, timeline: 'home', statuses: [] }).catch(() => undefined);
    expect(await api.upkeep.idleMs()).toBe(Number.POSITIVE_INFINITY);
    // The person reading.
    await api.timeline.page({ order: 'chronological' });
    expect(await api.upkeep.idleMs()).toBeLessThan(5_000);
  });
});
