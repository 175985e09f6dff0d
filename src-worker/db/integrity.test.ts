/**
 * Checking the database without every start paying for it: the whole file is checked at open only
 * after a write was cut short; otherwise it is read again in the background, a slice at a time, and
 * a page that cannot be read puts the engine in its damaged state, from which it recovers.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DATABASE_FILE } from '../host';
import { readDocsExample } from '../../test/fixtures/docs-statuses';
import { useTestEngines } from '../../test/support/engine';

const engines = useTestEngines();

/** An engine on a directory holding `n` posts, closed again; returns the directory. */
async function withPosts(n: number): Promise<string> {
  const directory = engines.tempDir();
  const { engine, api, account } = await engines.openWithAccount({ directory });
  const template = readDocsExample('Status.json') as Record<string, unknown>;
  await api.ingest.statuses({
    accountId: account.id,
    timeline: 'home',
    statuses: Array.from({ length: n }, (_, i) => ({
      ...template,
      id: String(1000 + i),
      uri: `https://x.example/statuses/${i}`,
      content: `<p>Post ${i}: ${'words and more words '.repeat(30)}</p>`,
    })),
  });
  await engine.close();
  return directory;
}

describe('checking the database', () => {
  it('does not read the whole file at open after a clean shutdown, and does after an unclean one', async () => {
    const directory = await withPosts(50);
    const clean = await engines.open({ directory });
    expect((await clean.api.status()).checkedAtOpen).toBe(false);
    await clean.engine.close();
    // A write cut short leaves its rollback journal behind (SQLite rolls it back on open).
    fs.writeFileSync(path.join(directory, `${DATABASE_FILE}-journal`), Buffer.alloc(512, 1));
    const after = await engines.open({ directory });
    expect(await after.api.status()).toMatchObject({ state: 'ready', checkedAtOpen: true, statuses: 50 });
  });

  it('reads every table and index in the background, a slice at a time, then waits a week', async () => {
    const directory = await withPosts(1200);
    let now = Date.parse('2026-12-01T00:00:00Z');
    const { api } = await engines.open({ directory, now: () => now });
    let slices = 0;
    for (let done = false; !done; slices++) done = (await api.upkeep.checkIntegrity()).done;
    // 1,200 statuses alone take three slices of 500; every other table and index at least one.
    expect(slices).toBeGreaterThan(20);
    const finished = await api.upkeep.checkIntegrity();
    expect(finished).toEqual({ done: true, completedAt: now });
    now += 6 * 24 * 3600_000;
    expect((await api.upkeep.checkIntegrity()).completedAt).toBe(finished.completedAt);
    now += 2 * 24 * 3600_000;
    expect((await api.upkeep.checkIntegrity()).done).toBe(false);
  });

  it('finds a damaged page in the background, says the database is damaged, and recovers', async () => {
    const directory = await withPosts(2000);
    // Garbage over pages in the middle of the file: the posts' table and their full-text index.
    const file = path.join(directory, DATABASE_FILE);
    const size = fs.statSync(file).size;
    const fd = fs.openSync(file, 'r+');
    fs.writeSync(fd, Buffer.alloc(16384 * 4, 0xa5), 0, 16384 * 4, Math.floor(size / 2 / 16384) * 16384);
    fs.closeSync(fd);

    const { api } = await engines.open({ directory });
    // Opening does not read the whole file; the background check reads it all, and meets the page.
    await expect(
      (async () => {
        for (;;) if ((await api.upkeep.checkIntegrity()).done) return;
      })(),
    ).rejects.toThrow(/malformed/);
    const damaged = await api.status();
    expect(damaged.checkedAtOpen).toBe(false);
    expect(damaged.state).toBe('damaged');
    expect(damaged.detail).toMatch(/malformed|corrupt/i);
    const recovered = await api.recoverDamagedDatabase();
    expect(recovered).toMatchObject({ state: 'ready', statuses: 0 });
    expect(recovered.recoveredCopies).toHaveLength(1);
  });
});
