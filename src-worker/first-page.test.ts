import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { docsStatuses } from '../test/fixtures/docs-statuses';
import { useTestEngines } from '../test/support/engine';
import { createNodeHost } from './node/open-node-engine';
import { readFirstPage } from './first-page';
import { FIRST_PAGE_SIZE } from '../src-shared/worker-api';

const NOW = Date.parse('2026-06-01T09:30:00Z');
const engines = useTestEngines();

/** A file database with the documentation's posts stored and, unless told not to, ranked. */
async function stored(ranked = true): Promise<string> {
  const dir = engines.tempDir();
  const { engine, api, account } = await engines.openWithAccount({ directory: dir, now: () => NOW });
  await api.ingest.statuses({
    accountId: account.id,
    timeline: 'home',
    statuses: docsStatuses().map((d) => d.status),
  });
  if (ranked) await api.timeline.page({ order: 'ranked', limit: FIRST_PAGE_SIZE });
  await engine.close();
  return dir;
}

describe('the first page read as the worker starts', () => {
  it('is the page the engine serves, with the picture hosts', async () => {
    const dir = await stored();
    const first = await readFirstPage(await createNodeHost(dir), NOW);
    const { api } = await engines.open({ directory: dir, now: () => NOW });
    expect(first).not.toBeNull();
    expect(first!.page).toEqual(await api.timeline.page({ order: 'ranked', limit: FIRST_PAGE_SIZE }));
    expect(first!.page.posts.length).toBeGreaterThan(0);
    expect(first!.hosts).toEqual(await api.images.hosts());
    expect(first!.servedAt).toBe(NOW);
  });

  it('logs the page as served through the engine, as a page it served', async () => {
    const dir = await stored();
    const first = (await readFirstPage(await createNodeHost(dir), NOW))!;
    const { engine, api } = await engines.open({ directory: dir, now: () => NOW });
    expect(await api.upkeep.idleMs()).toBe(Infinity);
    const logged = () =>
      engine.read((tx) =>
        tx.all<{ status_id: number }>('SELECT status_id FROM ranking_log WHERE served_at = ?', [NOW + 1]),
      );
    expect(await logged()).toEqual([]);
    await api.timeline.served(
      first.page.posts.map((p) => p.id),
      NOW + 1,
    );
    expect((await logged()).map((r) => r.status_id).sort()).toEqual(first.page.posts.map((p) => p.id).sort());
    // Served to the person: they are there, and background upkeep waits.
    expect(await api.upkeep.idleMs()).toBeLessThan(10_000);
  });

  it('leaves the page to the engine when there is no database, nothing ranked, an older schema or a journal', async () => {
    const empty = engines.tempDir();
    expect(await readFirstPage(await createNodeHost(empty), NOW)).toBeNull();
    expect(fs.readdirSync(empty)).toEqual([]);
    expect(await readFirstPage(await createNodeHost(await stored(false)), NOW)).toBeNull();

    const older = await stored();
    {
      const { engine } = await engines.open({ directory: older, now: () => NOW });
      await engine.db.exec('PRAGMA user_version = 19');
      await engine.close();
    }
    expect(await readFirstPage(await createNodeHost(older), NOW)).toBeNull();

    const crashed = await stored();
    const file = path.join(crashed, 'corgi.sqlite');
    const bytes = fs.readFileSync(file);
    fs.writeFileSync(`${file}-journal`, bytes.subarray(0, 512));
    expect(await readFirstPage(await createNodeHost(crashed), NOW)).toBeNull();
    // Nothing was rolled back or changed: the engine still finds the journal, and checks the file.
    expect(fs.readFileSync(file).equals(bytes)).toBe(true);
    expect(fs.statSync(`${file}-journal`).size).toBe(512);
  });

  it('leaves the page to the engine when the database cannot be opened', async () => {
    const host = await createNodeHost(await stored());
    const refusing = {
      ...host,
      sqlite3: {
        ...host.sqlite3,
        open_v2: () => Promise.reject(new Error('cannot open')),
      },
    };
    expect(await readFirstPage(refusing, NOW)).toBeNull();
  });
});
