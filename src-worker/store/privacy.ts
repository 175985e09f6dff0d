/**
 * The person's control over what is kept: the privacy level, retention, export and (in the
 * engine) delete everything.
 */
import { htmlToText } from '../ingest/html-text';
import { storedText } from './packed-text';
import type { Tx } from '../db/database';
import type { ExportBundle, PrivacySettings, RetentionResult } from '../../src-shared/worker-api';
import type { Engine } from '../engine';
import { schemaVersion } from '../db/migrate';
import { foldInteractionsBefore, rebuildAllAffinities } from './interactions';
import { forgetModelSnapshot } from '../rank/ranking-store';
import { readSetting, writeSetting } from './settings';

const DAY_MS = 24 * 3600 * 1000;

export async function getPrivacy(tx: Tx): Promise<PrivacySettings> {
  return {
    level: await readSetting(tx, 'privacy.level'),
    retentionDays: await readSetting(tx, 'privacy.retentionDays'),
  };
}

/** Sets the level and retention given (as parsed at the worker's edge, src-shared/renderer-api-schemas.ts); tightening applies at once. */
export async function setPrivacy(
  tx: Tx,
  settings: Partial<PrivacySettings>,
  now: number,
): Promise<PrivacySettings> {
  if (settings.level !== undefined) await writeSetting(tx, 'privacy.level', settings.level);
  if (settings.retentionDays !== undefined)
    await writeSetting(tx, 'privacy.retentionDays', settings.retentionDays);
  const result = await getPrivacy(tx);
  // Tightening the level takes effect at once rather than at the next daily pass.
  if (result.level !== 'FULL') await applyRetention(tx, now);
  return result;
}

/**
 * LIMITED and NONE keep raw interactions only for the retention period; older ones are folded
 * into the affinities and deleted. NONE also drops local-only signals at once (they should not
 * exist, but may predate the switch).
 */
export async function applyRetention(tx: Tx, now: number): Promise<RetentionResult> {
  const { level, retentionDays } = await getPrivacy(tx);
  if (level === 'FULL') return { folded: 0 };
  const cutoff = now - retentionDays * DAY_MS;
  let folded = await foldInteractionsBefore(tx, cutoff, now);
  if (level === 'NONE') {
    const local = await tx.run(
      `DELETE FROM interactions WHERE kind IN ('view', 'open', 'dwell', 'more_like_this', 'less_like_this')`,
    );
    folded += local.changes;
    // What the deleted signals added to affinities goes with them.
    if (local.changes > 0) await rebuildAllAffinities(tx, now);
  }
  // The saved person model holds what it learned from them (views, visits): it goes with them.
  if (folded > 0) await forgetModelSnapshot(tx);
  return { folded };
}

/**
 * A post as the export shows it: its texts as text (HTML, plain text and raw JSON), however they
 * are stored.
 */
function unpackedStatus(row: Record<string, unknown>): Record<string, unknown> {
  const { content_packed: content, raw_packed: raw, ...rest } = row;
  const html = storedText(content as Uint8Array | null, row.content_html as string);
  return {
    ...rest,
    content_html: html,
    content_text: (row.content_text as string) || htmlToText(html),
    raw_json: storedText(raw as Uint8Array | null, row.raw_json as string),
  };
}

/** Tables the export leaves out: the full-text index is rebuilt from the posts. */
const DERIVED_TABLE = /^statuses_fts/;

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/** Every table as JSON (blobs as base64), plus a byte-for-byte copy of the database file. */
export async function exportEverything(engine: Engine): Promise<ExportBundle> {
  const db = engine.db;
  return db.exclusive(async () => {
    const tx = db.unlocked;
    const tables = await tx.all<{ name: string }>(
      "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    );
    const dump: Record<string, unknown[]> = {};
    for (const { name } of tables) {
      if (DERIVED_TABLE.test(name)) continue;
      const rows = await tx.all<Record<string, unknown>>(`SELECT * FROM "${name}"`);
      dump[name] = rows.map((stored) => {
        const row = name === 'statuses' ? unpackedStatus(stored) : stored;
        const out: Record<string, unknown> = {};
        for (const [key, value] of Object.entries(row)) {
          out[key] = value instanceof Uint8Array ? { base64: toBase64(value) } : value;
        }
        return out;
      });
    }
    const exportedAt = new Date(engine.now).toISOString();
    const json = JSON.stringify({
      format: 'corgi-export',
      version: 1,
      exportedAt,
      schemaVersion: await schemaVersion(tx),
      tables: dump,
    });
    // Under the lock no transaction is open, so the file on storage is complete by itself.
    const sqlite = await engine.databaseBytes();
    return { fileName: `corgi-export-${exportedAt.slice(0, 10)}`, json, sqlite };
  });
}
