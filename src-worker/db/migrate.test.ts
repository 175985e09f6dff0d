import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Database } from './database';
import { LATEST_SCHEMA_VERSION, MIGRATIONS, migrate, schemaVersion } from './migrate';
import { createNodeHost, openNodeEngine } from '../node/open-node-engine';
import { createWorkerApi } from '../engine';
import { DATABASE_FILE } from '../host';

const opened: Database[] = [];
const tempDirs: string[] = [];

afterEach(async () => {
  for (const db of opened.splice(0)) if (!db.closed) await db.close();
  for (const dir of tempDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

async function openDatabase(directory?: string): Promise<Database> {
  const host = await createNodeHost(directory);
  const db = await Database.open(host.sqlite3, DATABASE_FILE, host.vfs.name);
  await db.exec('PRAGMA foreign_keys = ON');
  opened.push(db);
  return db;
}

async function tableNames(db: Database): Promise<string[]> {
  const rows = await db.all<{ name: string }>(
    "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
  );
  return rows.map((r) => r.name);
}

/** One row in every table migration 1 creates, linked the way ingest links them. */
async function insertVersion1Rows(db: Database): Promise<void> {
  await db.run(
    `INSERT INTO accounts (id, instance, remote_id, acct, display_name, is_default, created_at)
     VALUES (1, 'mastodon.social', '42', 'me@mastodon.social', 'Me', 1, 1000)`,
  );
  await db.run(
    `INSERT INTO authors (id, acct, url, username, display_name, note_html, avatar_url, bot, locked,
       noindex, followers_count, following_count, statuses_count, last_status_at, updated_at)
     VALUES (7, 'gargron@mastodon.social', 'https://mastodon.social/@Gargron', 'Gargron', 'Eugen',
       '<p>Developer</p>', NULL, 0, 0, 0, 10, 20, 30, NULL, 1000)`,
  );
  await db.run(
    `INSERT INTO statuses (id, uri, url, author_id, created_at, language, visibility, sensitive,
       spoiler_text, content_html, content_text, tags, mentions, media, replies_count,
       reblogs_count, favourites_count, quotes_count, counts_at, raw_json)
     VALUES (11, 'https://mastodon.social/users/Gargron/statuses/1', NULL, 7, 2000, 'en', 'public', 0,
       '', '<p>sort code inheritance</p>', 'sort code inheritance', '["money"]', '[]', '[]', 5, 6, 11, 2,
       2000, '{}')`,
  );
  await db.run(
    `INSERT INTO status_refs (account_id, remote_id, status_id, favourited) VALUES (1, '1', 11, 0)`,
  );
  await db.run(
    `INSERT INTO timeline_entries (account_id, timeline, remote_id, status_id, entry_at, fetched_at)
     VALUES (1, 'home', '1', 11, 2000, 3000)`,
  );
  await db.run(
    `INSERT INTO timeline_stretches (account_id, timeline, newest_remote_id, newest_at, oldest_remote_id,
       oldest_at, updated_at) VALUES (1, 'home', '1', 2000, '1', 2000, 3000)`,
  );
  await db.run(
    `INSERT INTO ingest_errors (account_id, timeline, remote_id, error, at) VALUES (1, 'home', '9', 'bad', 1)`,
  );
  await db.run(
    `INSERT INTO statuses_fts (rowid, body, names, tags)
     VALUES (11, 'sort code inheritance', 'Eugen gargron@mastodon.social', 'money')`,
  );
}

describe('migrations', () => {
  it('lists migrations in order, ending at the latest version', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
    expect(LATEST_SCHEMA_VERSION).toBe(MIGRATIONS.length);
  });

  it('1: creates the post tables in an empty database, and they accept rows', async () => {
    const db = await openDatabase();
    expect(await schemaVersion(db)).toBe(0);
    expect(await migrate(db, 1)).toEqual([1]);
    expect(await schemaVersion(db)).toBe(1);

    const tables = await tableNames(db);
    for (const table of [
      'accounts',
      'authors',
      'statuses',
      'status_refs',
      'timeline_entries',
      'timeline_stretches',
      'ingest_errors',
      'statuses_fts',
    ]) {
      expect(tables).toContain(table);
    }
    // Migration 2's tables are not there yet.
    expect(tables).not.toContain('interactions');
    expect(tables).not.toContain('settings');

    await insertVersion1Rows(db);
    const hits = await db.all<{ rowid: number }>(
      "SELECT rowid FROM statuses_fts WHERE statuses_fts MATCH 'inherit*'",
    );
    expect(hits.map((h) => h.rowid)).toEqual([11]);
    // The constraints hold: one default account, no status without an author.
    await expect(
      db.run(
        `INSERT INTO accounts (instance, remote_id, acct, is_default, created_at)
         VALUES ('example.org', '1', 'x@example.org', 1, 1)`,
      ),
    ).rejects.toThrow(/UNIQUE/);
    await expect(
      db.run(
        `INSERT INTO statuses (uri, author_id, created_at, visibility, sensitive, spoiler_text, content_html,
           content_text, tags, mentions, media, replies_count, reblogs_count, favourites_count,
           quotes_count, counts_at, raw_json)
         VALUES ('x', 999, 1, 'public', 0, '', '', '', '[]', '[]', '[]', 0, 0, 0, 0, 1, '{}')`,
      ),
    ).rejects.toThrow(/FOREIGN KEY/);
    // Migrating again to the same version does nothing.
    expect(await migrate(db, 1)).toEqual([]);
  });

  it('2: adds the reading tables and keeps every row written at version 1', async () => {
    const db = await openDatabase();
    await migrate(db, 1);
    await insertVersion1Rows(db);
    const before: Record<string, unknown[]> = {};
    for (const table of await tableNames(db)) {
      if (!table.startsWith('statuses_fts')) before[table] = await db.all(`SELECT * FROM "${table}"`);
    }

    expect(await migrate(db, 2)).toEqual([2]);
    expect(await schemaVersion(db)).toBe(2);

    for (const [table, rows] of Object.entries(before)) {
      expect(await db.all(`SELECT * FROM "${table}"`), table).toEqual(rows);
    }
    const hits = await db.all<{ rowid: number }>(
      "SELECT rowid FROM statuses_fts WHERE statuses_fts MATCH 'sort'",
    );
    expect(hits.map((h) => h.rowid)).toEqual([11]);

    const tables = await tableNames(db);
    for (const table of [
      'interactions',
      'author_affinities',
      'tag_affinities',
      'embeddings',
      'feed',
      'ranking_log',
      'outbox',
      'settings',
    ]) {
      expect(tables).toContain(table);
    }
    const settings = await db.all<{ key: string; value: string }>(
      'SELECT key, value FROM settings ORDER BY key',
    );
    expect(settings).toEqual([
      { key: 'privacy.level', value: '"LIMITED"' },
      { key: 'privacy.retentionDays', value: '30' },
    ]);

    // The new tables take rows that point at the old ones.
    await db.run(
      `INSERT INTO interactions (account_id, status_id, kind, at) VALUES (1, 11, 'favourite', 4000)`,
    );
    await db.run(
      `INSERT INTO author_affinities (author_id, weight, positives, negatives, ref_at) VALUES (7, 1, 1, 0, 4000)`,
    );
    await db.run(
      `INSERT INTO tag_affinities (tag, weight, positives, negatives, ref_at) VALUES ('money', 1, 1, 0, 4000)`,
    );
    await db.run(`INSERT INTO feed (status_id, score, ranked_at) VALUES (11, 0.5, 4000)`);
    await db.run(
      `INSERT INTO outbox (account_id, action, status_id, payload, idempotency_key, next_attempt_at, created_at)
       VALUES (1, 'favourite', 11, '{}', 'k1', 4000, 4000)`,
    );
    const outbox = await db.get<{ state: string; attempts: number }>('SELECT state, attempts FROM outbox');
    expect(outbox).toEqual({ state: 'pending', attempts: 0 });
    // One live toggle per account, post and kind; an unknown kind is refused.
    await expect(
      db.run(`INSERT INTO interactions (account_id, status_id, kind, at) VALUES (1, 11, 'favourite', 5000)`),
    ).rejects.toThrow(/UNIQUE/);
    await expect(
      db.run(`INSERT INTO interactions (account_id, status_id, kind, at) VALUES (1, 11, 'shrug', 5000)`),
    ).rejects.toThrow(/CHECK/);
    await db.run(`UPDATE interactions SET undone_at = 4500`);
    await db.run(
      `INSERT INTO interactions (account_id, status_id, kind, at) VALUES (1, 11, 'favourite', 5000)`,
    );
    expect((await db.get<{ n: number }>('SELECT count(*) AS n FROM interactions'))?.n).toBe(2);
  });

  it('3: gives authors a raw_json column and keeps every row', async () => {
    const db = await openDatabase();
    await migrate(db, 1);
    await insertVersion1Rows(db);
    await migrate(db, 2);
    const before: Record<string, unknown[]> = {};
    for (const table of await tableNames(db)) {
      if (!table.startsWith('statuses_fts')) before[table] = await db.all(`SELECT * FROM "${table}"`);
    }

    expect(await migrate(db, 3)).toEqual([3]);
    expect(await schemaVersion(db)).toBe(3);
    for (const [table, rows] of Object.entries(before)) {
      const expected =
        table === 'authors' ? rows.map((row) => ({ ...(row as object), raw_json: null })) : rows;
      expect(await db.all(`SELECT * FROM "${table}"`), table).toEqual(expected);
    }
    await db.run(`UPDATE authors SET raw_json = '{"id":"1","fields":[]}' WHERE id = 7`);
    expect(await db.get('SELECT raw_json FROM authors WHERE id = 7')).toEqual({
      raw_json: '{"id":"1","fields":[]}',
    });
  });

  it('4: adds sync cursors that belong to an account, and keeps every row', async () => {
    const db = await openDatabase();
    await migrate(db, 1);
    await insertVersion1Rows(db);
    await migrate(db, 3);
    const before: Record<string, unknown[]> = {};
    for (const table of await tableNames(db)) {
      if (!table.startsWith('statuses_fts')) before[table] = await db.all(`SELECT * FROM "${table}"`);
    }

    expect(await migrate(db, 4)).toEqual([4]);
    for (const [table, rows] of Object.entries(before)) {
      expect(await db.all(`SELECT * FROM "${table}"`), table).toEqual(rows);
    }
    await db.run(
      `INSERT INTO sync_cursors (account_id, source, next_url, newest_id, updated_at)
       VALUES (1, 'home', 'https://mastodon.social/api/v1/timelines/home?max_id=5', '9', 1)`,
    );
    await expect(
      db.run(`INSERT INTO sync_cursors (account_id, source, updated_at) VALUES (99, 'home', 1)`),
    ).rejects.toThrow(/FOREIGN KEY/);
    await db.run('DELETE FROM accounts WHERE id = 1');
    expect(await db.all('SELECT * FROM sync_cursors')).toEqual([]);
  });

  it('5: adds account filters and relations that go with their account, and keeps every row', async () => {
    const db = await openDatabase();
    await migrate(db, 1);
    await insertVersion1Rows(db);
    await migrate(db, 4);
    const before: Record<string, unknown[]> = {};
    for (const table of await tableNames(db)) {
      if (!table.startsWith('statuses_fts')) before[table] = await db.all(`SELECT * FROM "${table}"`);
    }
    expect(await migrate(db, 5)).toEqual([5]);
    for (const [table, rows] of Object.entries(before)) {
      expect(await db.all(`SELECT * FROM "${table}"`), table).toEqual(rows);
    }
    await db.run(
      `INSERT INTO account_filters (account_id, filter_id, title, contexts, action, keywords)
       VALUES (1, '7', 'Spoilers', '["home"]', 'hide', '[{"keyword":"finale","whole_word":true}]')`,
    );
    await db.run(
      `INSERT INTO account_relations (account_id, kind, acct) VALUES (1, 'mute', 'loud@example.org')`,
    );
    await expect(
      db.run(`INSERT INTO account_relations (account_id, kind, acct) VALUES (1, 'follow', 'x@example.org')`),
    ).rejects.toThrow(/CHECK/);
    await db.run('DELETE FROM accounts WHERE id = 1');
    expect(await db.all('SELECT * FROM account_filters')).toEqual([]);
    expect(await db.all('SELECT * FROM account_relations')).toEqual([]);
  });

  it('6: gives the feed positions, reasons and features, and keeps every row', async () => {
    const db = await openDatabase();
    await migrate(db, 1);
    await insertVersion1Rows(db);
    await migrate(db, 5);
    await db.run(`INSERT INTO feed (status_id, score, ranked_at) VALUES (11, 0.5, 4000)`);
    await db.run(
      `INSERT INTO ranking_log (served_at, page_id, position, status_id, score, contributions, reason, model_version)
       VALUES (5000, 'p1', 1, 11, 0.5, '{}', 'New', 'v0')`,
    );
    const before: Record<string, unknown[]> = {};
    for (const table of await tableNames(db)) {
      if (!table.startsWith('statuses_fts')) before[table] = await db.all(`SELECT * FROM "${table}"`);
    }
    expect(await migrate(db, 6)).toEqual([6]);
    // Every old value is kept; the new columns start empty.
    for (const [table, rows] of Object.entries(before)) {
      const after = await db.all<Record<string, unknown>>(`SELECT * FROM "${table}"`);
      const oldColumns = (row: Record<string, unknown>) =>
        Object.fromEntries(
          Object.keys((rows[0] as Record<string, unknown> | undefined) ?? {}).map((k) => [k, row[k]]),
        );
      expect(after.length, table).toBe(rows.length);
      if (rows.length > 0) expect(after.map(oldColumns), table).toEqual(rows);
    }
    expect(await db.all('SELECT position, reason, features, shown_at FROM feed')).toEqual([
      { position: null, reason: null, features: null, shown_at: null },
    ]);
    await db.run(`UPDATE feed SET position = 1, reason = 'You often favourite @a' WHERE status_id = 11`);
    expect(await db.all('SELECT features FROM ranking_log')).toEqual([{ features: null }]);
    await expect(
      db.run(
        `INSERT INTO embedder_state (model, documents, frequencies, updated_at) VALUES ('m', 1, x'00', 1)`,
      ),
    ).resolves.toBeDefined();
  });

  it('7: adds whom each account follows, which goes with its account, and keeps every row', async () => {
    const db = await openDatabase();
    await migrate(db, 1);
    await insertVersion1Rows(db);
    await migrate(db, 6);
    const before: Record<string, unknown[]> = {};
    for (const table of await tableNames(db)) {
      if (!table.startsWith('statuses_fts')) before[table] = await db.all(`SELECT * FROM "${table}"`);
    }
    expect(await migrate(db, 7)).toEqual([7]);
    for (const [table, rows] of Object.entries(before)) {
      expect(await db.all(`SELECT * FROM "${table}"`), table).toEqual(rows);
    }
    await db.run(`INSERT INTO account_follows (account_id, acct) VALUES (1, 'friend@example.org')`);
    await expect(
      db.run(`INSERT INTO account_follows (account_id, acct) VALUES (99, 'friend@example.org')`),
    ).rejects.toThrow(/FOREIGN KEY/);
    await db.run('DELETE FROM accounts WHERE id = 1');
    expect(await db.all('SELECT * FROM account_follows')).toEqual([]);
  });

  it('8: finds recent timeline entries and the posts replied to by indexes, and keeps every row', async () => {
    const db = await openDatabase();
    await migrate(db, 1);
    await insertVersion1Rows(db);
    await migrate(db, 7);
    const before: Record<string, unknown[]> = {};
    for (const table of await tableNames(db)) {
      if (!table.startsWith('statuses_fts')) before[table] = await db.all(`SELECT * FROM "${table}"`);
    }
    expect(await migrate(db, 8)).toEqual([8]);
    for (const [table, rows] of Object.entries(before)) {
      expect(await db.all(`SELECT * FROM "${table}"`), table).toEqual(rows);
    }
    const plan = await db.all<{ detail: string }>(
      `EXPLAIN QUERY PLAN SELECT status_id FROM interactions WHERE kind = 'reply' AND undone_at IS NULL`,
    );
    expect(plan.map((p) => p.detail).join('\n')).toMatch(/interactions_replies/);
    const recent = await db.all<{ detail: string }>(
      `EXPLAIN QUERY PLAN SELECT status_id FROM timeline_entries WHERE entry_at >= 5 AND deleted_at IS NULL`,
    );
    expect(recent.map((p) => p.detail).join('\n')).toMatch(/timeline_entries_by_entry/);
    expect(await db.all("SELECT name FROM sqlite_master WHERE name = 'feed_by_score'")).toEqual([]);
    // Deleted interactions are counted.
    await db.run(
      `INSERT INTO interactions (account_id, status_id, kind, at) VALUES (1, 11, 'favourite', 1), (1, 11, 'bookmark', 2)`,
    );
    await db.run(`DELETE FROM interactions`);
    expect(await db.all('SELECT n FROM interaction_deletions')).toEqual([{ n: 2 }]);
  });

  it('9: keeps learning examples by time, refuses labels other than 0 and 1, and keeps every row', async () => {
    const db = await openDatabase();
    await migrate(db, 1);
    await insertVersion1Rows(db);
    await migrate(db, 8);
    const before: Record<string, unknown[]> = {};
    for (const table of await tableNames(db)) {
      if (!table.startsWith('statuses_fts')) before[table] = await db.all(`SELECT * FROM "${table}"`);
    }
    expect(await migrate(db, 9)).toEqual([9]);
    for (const [table, rows] of Object.entries(before)) {
      expect(await db.all(`SELECT * FROM "${table}"`), table).toEqual(rows);
    }
    await db.run(
      `INSERT INTO learning_examples (taken_at, features, positive, viewed, model_version)
       VALUES (5, x'00000000', 1, 0, 'corgi-rank/3')`,
    );
    await expect(
      db.run(
        `INSERT INTO learning_examples (taken_at, features, positive, viewed, model_version)
         VALUES (5, x'00', 2, 0, 'corgi-rank/3')`,
      ),
    ).rejects.toThrow(/CHECK/);
    const plan = await db.all<{ detail: string }>(
      `EXPLAIN QUERY PLAN DELETE FROM learning_examples WHERE taken_at < 3`,
    );
    expect(plan.map((p) => p.detail).join('\n')).toMatch(/learning_examples_by_time/);
  });

  it('11: keeps every row, accounts fine until told otherwise, and servers, features and steps go with their account', async () => {
    const db = await openDatabase();
    await migrate(db, 1);
    await insertVersion1Rows(db);
    await migrate(db, 10);
    const before: Record<string, unknown[]> = {};
    for (const table of await tableNames(db)) {
      if (!table.startsWith('statuses_fts') && table !== 'accounts')
        before[table] = await db.all(`SELECT * FROM "${table}"`);
    }
    expect(await migrate(db, 11)).toEqual([11]);
    for (const [table, rows] of Object.entries(before)) {
      expect(await db.all(`SELECT * FROM "${table}"`), table).toEqual(rows);
    }
    expect(await db.all('SELECT id, state, unreachable, state_reason, state_since FROM accounts')).toEqual([
      { id: 1, state: 'active', unreachable: 0, state_reason: null, state_since: null },
    ]);
    await expect(db.run('UPDATE accounts SET unreachable = 2')).rejects.toThrow(/CHECK/);
    await db.run(
      `INSERT INTO account_servers (account_id, software, instance_json, fetched_at) VALUES (1, 'gotosocial', '{}', 5)`,
    );
    await db.run(
      `INSERT INTO account_features (account_id, feature, available, reason, checked_at, retry_at)
       VALUES (1, 'filters_v2', 0, 'GET /api/v2/filters answered 404', 5, 86400005)`,
    );
    await db.run(`INSERT INTO sync_steps (account_id, step, failures) VALUES (1, 'mutes', 2)`);
    await db.run(
      `INSERT INTO field_diagnostics (instance, field, dropped, first_at, last_at) VALUES ('x.example', 'Status.card', 3, 1, 2)`,
    );
    await expect(
      db.run(
        `INSERT INTO account_features (account_id, feature, available, checked_at) VALUES (1, 'x', 2, 1)`,
      ),
    ).rejects.toThrow(/CHECK/);
    await db.run('DELETE FROM accounts WHERE id = 1');
    for (const table of ['account_servers', 'account_features', 'sync_steps'])
      expect(await db.all(`SELECT * FROM ${table}`), table).toEqual([]);
    // Diagnostics are the server's, not the account's.
    expect(await db.all('SELECT field, dropped FROM field_diagnostics')).toEqual([
      { field: 'Status.card', dropped: 3 },
    ]);
  });

  it('12: keeps every row, and holds one saved person model', async () => {
    const db = await openDatabase();
    await migrate(db, 1);
    await insertVersion1Rows(db);
    await migrate(db, 11);
    const before: Record<string, unknown[]> = {};
    for (const table of await tableNames(db))
      if (!table.startsWith('statuses_fts')) before[table] = await db.all(`SELECT * FROM "${table}"`);
    expect(await migrate(db, 12)).toEqual([12]);
    for (const [table, rows] of Object.entries(before))
      expect(await db.all(`SELECT * FROM "${table}"`), table).toEqual(rows);
    await db.run(`INSERT INTO person_model_snapshot (id, state, saved_at) VALUES (1, '{}', 5)`);
    await expect(
      db.run(`INSERT INTO person_model_snapshot (id, state, saved_at) VALUES (2, '{}', 5)`),
    ).rejects.toThrow(/CHECK/);
  });

  it('13: keeps every row, and posts stored before it are read from their old columns', async () => {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'corgi-migrate-'));
    tempDirs.push(directory);
    const db = await openDatabase(directory);
    await migrate(db, 1);
    await insertVersion1Rows(db);
    await migrate(db, 12);
    const before: Record<string, unknown[]> = {};
    for (const table of await tableNames(db))
      if (!table.startsWith('statuses_fts')) before[table] = await db.all(`SELECT * FROM "${table}"`);
    expect(await migrate(db, 13)).toEqual([13]);
    for (const [table, rows] of Object.entries(before)) {
      const after = await db.all<Record<string, unknown>>(`SELECT * FROM "${table}"`);
      expect(
        table === 'statuses' ? after.map(({ content_packed: _c, raw_packed: _r, ...rest }) => rest) : after,
        table,
      ).toEqual(rows);
    }
    expect(await db.all('SELECT content_packed, raw_packed FROM statuses')).toEqual([
      { content_packed: null, raw_packed: null },
    ]);
    await db.close();
    // The app reads the post stored before, from its old columns.
    const engine = await openNodeEngine({ directory });
    try {
      const posts = await createWorkerApi(engine).search.posts('inheritance');
      expect(posts).toHaveLength(1);
      expect(posts[0]).toMatchObject({
        contentHtml: '<p>sort code inheritance</p>',
        contentText: 'sort code inheritance',
      });
    } finally {
      await engine.close();
    }
  });

  it('14: keeps every row, and finds quotes of, replies to and actions on a post by indexes', async () => {
    const db = await openDatabase();
    await migrate(db, 1);
    await insertVersion1Rows(db);
    await migrate(db, 13);
    const before: Record<string, unknown[]> = {};
    for (const table of await tableNames(db))
      if (!table.startsWith('statuses_fts')) before[table] = await db.all(`SELECT * FROM "${table}"`);
    expect(await migrate(db, 14)).toEqual([14]);
    for (const [table, rows] of Object.entries(before))
      expect(await db.all(`SELECT * FROM "${table}"`), table).toEqual(rows);
    const plan = async (sql: string): Promise<string> =>
      (await db.all<{ detail: string }>(`EXPLAIN QUERY PLAN ${sql}`)).map((r) => r.detail).join('; ');
    expect(await plan("SELECT id FROM statuses WHERE quote_uri = 'x'")).toContain('statuses_by_quote');
    expect(await plan("SELECT id FROM statuses WHERE in_reply_to_remote_id = '1'")).toContain(
      'statuses_by_parent',
    );
    expect(await plan('SELECT id FROM outbox WHERE status_id = 11')).toContain('outbox_by_status');
  });

  it('15: keeps every row, and counts deleted posts by an index', async () => {
    const db = await openDatabase();
    await migrate(db, 1);
    await insertVersion1Rows(db);
    await migrate(db, 14);
    const before: Record<string, unknown[]> = {};
    for (const table of await tableNames(db))
      if (!table.startsWith('statuses_fts')) before[table] = await db.all(`SELECT * FROM "${table}"`);
    expect(await migrate(db, 15)).toEqual([15]);
    for (const [table, rows] of Object.entries(before))
      expect(await db.all(`SELECT * FROM "${table}"`), table).toEqual(rows);
    await db.run('UPDATE statuses SET deleted_at = 5 WHERE id = 11');
    const plan = await db.all<{ detail: string }>(
      'EXPLAIN QUERY PLAN SELECT count(*) FROM statuses WHERE deleted_at IS NOT NULL',
    );
    expect(plan.map((r) => r.detail).join('; ')).toContain('statuses_deleted');
    expect(await db.get('SELECT count(*) AS n FROM statuses WHERE deleted_at IS NOT NULL')).toEqual({ n: 1 });
  });

  it('16: keeps every row, and keeps notifications once per account and id', async () => {
    const db = await openDatabase();
    await migrate(db, 1);
    await insertVersion1Rows(db);
    await migrate(db, 15);
    const before: Record<string, unknown[]> = {};
    for (const table of await tableNames(db))
      if (!table.startsWith('statuses_fts')) before[table] = await db.all(`SELECT * FROM "${table}"`);
    expect(await migrate(db, 16)).toEqual([16]);
    for (const [table, rows] of Object.entries(before))
      expect(await db.all(`SELECT * FROM "${table}"`), table).toEqual(rows);
    const account = (await db.get<{ id: number }>('SELECT id FROM accounts LIMIT 1'))!.id;
    const insert = () =>
      db.run(
        "INSERT INTO notifications (account_id, remote_id, type, created_at, status_id) VALUES (?, '1', 'favourite', 5, 11)",
        [account],
      );
    await insert();
    await expect(insert()).rejects.toThrow(/UNIQUE/);
    // They go with their account.
    await db.run('PRAGMA foreign_keys = ON');
    await db.run('DELETE FROM notifications WHERE account_id = ?', [account]);
    expect(await db.get('SELECT count(*) AS n FROM notifications')).toEqual({ n: 0 });
  });

  it("17: keeps every row, and names each account's lists once", async () => {
    const db = await openDatabase();
    await migrate(db, 1);
    await insertVersion1Rows(db);
    await migrate(db, 16);
    const before: Record<string, unknown[]> = {};
    for (const table of await tableNames(db))
      if (!table.startsWith('statuses_fts')) before[table] = await db.all(`SELECT * FROM "${table}"`);
    expect(await migrate(db, 17)).toEqual([17]);
    for (const [table, rows] of Object.entries(before))
      expect(await db.all(`SELECT * FROM "${table}"`), table).toEqual(rows);
    const account = (await db.get<{ id: number }>('SELECT id FROM accounts LIMIT 1'))!.id;
    await db.run("INSERT INTO account_lists (account_id, remote_id, title) VALUES (?, '5', 'Friends')", [
      account,
    ]);
    await expect(
      db.run("INSERT INTO account_lists (account_id, remote_id, title) VALUES (?, '5', 'Again')", [account]),
    ).rejects.toThrow(/UNIQUE|PRIMARY/);
  });

  it('18: keeps every row, and keeps one reading marker per account and timeline, going with its account', async () => {
    const db = await openDatabase();
    await migrate(db, 1);
    await insertVersion1Rows(db);
    await migrate(db, 17);
    const before: Record<string, unknown[]> = {};
    for (const table of await tableNames(db))
      if (!table.startsWith('statuses_fts')) before[table] = await db.all(`SELECT * FROM "${table}"`);
    expect(await migrate(db, 18)).toEqual([18]);
    for (const [table, rows] of Object.entries(before))
      expect(await db.all(`SELECT * FROM "${table}"`), table).toEqual(rows);
    const account = (await db.get<{ id: number }>('SELECT id FROM accounts LIMIT 1'))!.id;
    const insert = (timeline: string) =>
      db.run("INSERT INTO reading_markers (account_id, timeline, read_id, read_at) VALUES (?, ?, '9', 1)", [
        account,
        timeline,
      ]);
    await insert('home');
    await expect(insert('home')).rejects.toThrow(/UNIQUE|PRIMARY/);
    await expect(insert('lists')).rejects.toThrow(/CHECK/);
    await db.run('PRAGMA foreign_keys = ON');
    await db.run('DELETE FROM accounts WHERE id = ?', [account]);
    expect(await db.get('SELECT count(*) AS n FROM reading_markers')).toEqual({ n: 0 });
  });

  it('19: keeps every row, and lists the hosts of the avatars and media stored before it', async () => {
    const db = await openDatabase();
    await migrate(db, 1);
    await insertVersion1Rows(db);
    await migrate(db, 18);
    await db.run(
      "UPDATE authors SET avatar_url = 'https://Files.Mastodon.Social/accounts/avatars/1.png' WHERE id = 7",
    );
    await db.run("UPDATE accounts SET avatar_url = 'https://cdn.example:8443/me.png' WHERE id = 1");
    const media = [
      { type: 'image', url: 'https://media.example/a.jpg', previewUrl: 'https://small.example/a.jpg' },
      // Only https, and only a host name: no user, no other scheme, no empty host.
      { type: 'image', url: 'http://plain.example/b.jpg', previewUrl: 'https://user@sneaky.example/b' },
      { type: 'image', url: 'https:///nohost', previewUrl: 'javascript:alert(1)' },
    ];
    await db.run('UPDATE statuses SET media = ? WHERE id = 11', [JSON.stringify(media)]);
    const before: Record<string, unknown[]> = {};
    for (const table of await tableNames(db))
      if (!table.startsWith('statuses_fts')) before[table] = await db.all(`SELECT * FROM "${table}"`);
    expect(await migrate(db, 19)).toEqual([19]);
    for (const [table, rows] of Object.entries(before))
      expect(await db.all(`SELECT * FROM "${table}"`), table).toEqual(rows);
    const hosts = await db.all<{ host: string }>('SELECT host FROM image_hosts ORDER BY host');
    expect(hosts.map((h) => h.host)).toEqual([
      'cdn.example:8443',
      'files.mastodon.social',
      'media.example',
      'small.example',
    ]);
  });

  it("20: keeps every row, and finds an account's newest notification by an index", async () => {
    const db = await openDatabase();
    await migrate(db, 1);
    await insertVersion1Rows(db);
    await migrate(db, 19);
    const before: Record<string, unknown[]> = {};
    for (const table of await tableNames(db))
      if (!table.startsWith('statuses_fts')) before[table] = await db.all(`SELECT * FROM "${table}"`);
    expect(await migrate(db, 20)).toEqual([20]);
    for (const [table, rows] of Object.entries(before))
      expect(await db.all(`SELECT * FROM "${table}"`), table).toEqual(rows);
    const plan = await db.all<{ detail: string }>(
      'EXPLAIN QUERY PLAN SELECT remote_id FROM notifications WHERE account_id = 1 ORDER BY created_at DESC, id DESC LIMIT 1',
    );
    expect(plan.map((p) => p.detail).join('; ')).toMatch(/USING INDEX notifications_by_account/);
    expect(plan.map((p) => p.detail).join('; ')).not.toMatch(/TEMP B-TREE/);
  });

  it('refuses a database written by a newer schema, naming both versions', async () => {
    const db = await openDatabase();
    await migrate(db);
    await db.exec(`PRAGMA user_version = ${LATEST_SCHEMA_VERSION + 5}`);
    await expect(migrate(db)).rejects.toThrow(
      `The database was written by a newer Corgi (schema ${LATEST_SCHEMA_VERSION + 5}; this one knows up to ${LATEST_SCHEMA_VERSION}).`,
    );
    expect(await schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION + 5);
  });

  it('does not open an engine over a database from a newer schema', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corgi-migrate-'));
    tempDirs.push(dir);
    const db = await openDatabase(dir);
    await migrate(db);
    await db.exec(`PRAGMA user_version = ${LATEST_SCHEMA_VERSION + 1}`);
    await db.close();
    await expect(openNodeEngine({ directory: dir })).rejects.toThrow(/newer Corgi/);
  });
});
