import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { docsStatuses } from '../../test/fixtures/docs-statuses';
import { useTestEngines } from '../../test/support/engine';
import type { WorkerApi } from '../../src-shared/worker-api';

const GARGRON_URI = 'https://mastodon.social/users/Gargron/statuses/103270115826048975';
const engines = useTestEngines();
const tempDir = engines.tempDir;
const open = (directory?: string) =>
  engines.open({ directory, now: () => Date.parse('2026-04-02T08:00:00Z') });

/** An account, the documentation statuses and a few interactions. */
async function fill(api: WorkerApi): Promise<number> {
  const account = await api.accounts.upsert({
    instance: 'mastodon.social',
    remoteId: '4242',
    acct: 'exporter',
    displayName: 'Ex Porter',
  });
  const result = await api.ingest.statuses({
    accountId: account.id,
    timeline: 'home',
    statuses: docsStatuses().map((d) => d.status),
  });
  expect(result.rejected).toEqual([]);
  const [post] = await api.search.posts('inheritance');
  await api.interactions.record({ statusId: post!.id, kind: 'favourite', accountId: account.id });
  await api.interactions.record({ statusId: post!.id, kind: 'dwell', value: 12_000 });
  return account.id;
}

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(full) : [full];
  });
}

describe('privacy.exportEverything', () => {
  it('exports every table as JSON, without the search index', async () => {
    const { api } = await open();
    await fill(api);
    const bundle = await api.privacy.exportEverything();
    expect(bundle.fileName).toBe('corgi-export-2026-04-02');
    const parsed = JSON.parse(bundle.json) as {
      format: string;
      schemaVersion: number;
      tables: Record<string, Record<string, unknown>[]>;
    };
    expect(parsed.format).toBe('corgi-export');
    expect(parsed.schemaVersion).toBe((await api.status()).schemaVersion);
    expect(parsed.tables.statuses!.map((s) => s.uri)).toContain(GARGRON_URI);
    expect(parsed.tables.statuses).toHaveLength(4);
    // A post's texts as text, as received, however they are stored.
    const received = docsStatuses().find((d) => d.status.uri === GARGRON_URI)!.status as Record<
      string,
      unknown
    >;
    const exported = parsed.tables.statuses!.find((s) => s.uri === GARGRON_URI)!;
    expect(exported.content_html).toBe(received.content);
    expect(exported.content_text).toContain('I lost my inheritance with one wrong digit on my sort code');
    expect(JSON.parse(exported.raw_json as string)).toMatchObject({
      id: received.id,
      application: received.application,
      account: { id: (received.account as { id: string }).id },
    });
    expect(Object.keys(exported).filter((key) => key.endsWith('_packed'))).toEqual([]);
    expect(parsed.tables.accounts).toEqual([
      expect.objectContaining({
        instance: 'mastodon.social',
        remote_id: '4242',
        acct: 'exporter@mastodon.social',
      }),
    ]);
    expect(parsed.tables.interactions!.map((i) => i.kind).sort()).toEqual(['dwell', 'favourite']);
    expect(parsed.tables.settings).toEqual(
      expect.arrayContaining([{ key: 'privacy.level', value: '"LIMITED"' }]),
    );
    expect(Object.keys(parsed.tables).filter((name) => name.startsWith('statuses_fts'))).toEqual([]);
  });

  it('includes a SQLite copy that opens as a working database', async () => {
    const { api } = await open();
    await fill(api);
    const bundle = await api.privacy.exportEverything();
    expect(new TextDecoder().decode(bundle.sqlite.subarray(0, 16))).toBe('SQLite format 3\0');

    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'corgi.sqlite'), bundle.sqlite);
    const copy = await open(dir);
    expect(await copy.api.status()).toMatchObject({ state: 'ready', statuses: 4 });
    expect((await copy.api.search.posts('inheritance')).map((p) => p.uri)).toEqual([GARGRON_URI]);
    expect((await copy.api.search.posts('glad')).map((p) => p.author.acct)).toEqual([
      'freon@letsalllovela.in',
    ]);
    expect((await copy.api.accounts.list()).map((a) => a.acct)).toEqual(['exporter@mastodon.social']);
  });
});

describe('privacy.deleteEverything', () => {
  it('leaves no trace of the posts on disk and a working, empty database', async () => {
    const dir = tempDir();
    const { engine, api } = await open(dir);
    await fill(api);
    await api.privacy.set({ level: 'FULL', retentionDays: 90 });
    // A kept-aside copy is also something to delete.
    await engine.host.saveRecoveredCopy('corgi-damaged-old.sqlite', await engine.databaseBytes());
    // The posts' texts are packed: their packed bytes are needles too.
    const packed = await engine.read((tx) =>
      tx.all<{ content_packed: Uint8Array }>(
        'SELECT content_packed FROM statuses WHERE length(content_packed) > 40',
      ),
    );
    expect(packed.length).toBeGreaterThan(0);
    const needles: (string | Buffer)[] = [
      GARGRON_URI,
      'exporter@mastodon.social',
      ...packed.map((row) => Buffer.from(row.content_packed)),
    ];
    const haystack = () => filesUnder(dir).map((file) => fs.readFileSync(file));
    for (const needle of needles) expect(haystack().some((bytes) => bytes.includes(needle))).toBe(true);

    await api.privacy.deleteEverything();

    for (const bytes of haystack()) {
      for (const needle of needles) expect(bytes.includes(needle), String(needle).slice(0, 40)).toBe(false);
      for (const word of ['inheritance', 'glad i was able to help'])
        expect(bytes.includes(word), word).toBe(false);
    }
    expect((await api.status()).recoveredCopies).toEqual([]);
    const tables = await engine.db.all<{ name: string }>(
      "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'statuses_fts%'",
    );
    expect(tables.length).toBeGreaterThan(10);
    for (const { name } of tables) {
      const rows = await engine.db.all(`SELECT * FROM "${name}"`);
      if (name === 'settings') {
        expect(rows).toEqual([
          { key: 'privacy.level', value: '"LIMITED"' },
          { key: 'privacy.retentionDays', value: '30' },
        ]);
      } else {
        expect(rows, name).toEqual([]);
      }
    }
    expect(await api.privacy.get()).toEqual({ level: 'LIMITED', retentionDays: 30 });
    expect(await api.search.posts('inheritance')).toEqual([]);
    expect(await api.status()).toMatchObject({ state: 'ready', statuses: 0 });

    // And it keeps working.
    await fill(api);
    expect((await api.search.posts('inheritance')).map((p) => p.uri)).toEqual([GARGRON_URI]);
    expect((await api.timeline.page({ order: 'chronological' })).posts).toHaveLength(4);
  });
});
