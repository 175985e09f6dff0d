/**
 * Checking the database without making every start pay for it.
 *
 * At open, SQLite's `quick_check` (every page of the file) runs only after an unclean shutdown: a
 * write cut short leaves a non-empty rollback journal behind (journal_mode TRUNCATE empties it at
 * every commit), which is cheap to see before opening. SQLite rolls such a write back by itself;
 * the check then makes sure nothing else was lost with it.
 *
 * The rest of the time the whole file is read again in the background, in slices of at most a few
 * hundred rows of one table or index each, so that no slice holds the database (and the writes
 * queued behind it) for long: every table is read row by row in rowid order, every column of
 * every row (long values live on overflow pages), and every plain index key by key. A page SQLite
 * cannot read on the way raises SQLITE_CORRUPT, which puts the engine in its damaged state, from
 * which the person is offered recovery. (Reading every row finds what makes data unreadable; it
 * does not prove, as quick_check does, that no page is lost or counted twice: that check stays for
 * the opens after an unclean shutdown.)
 */
import type { Tx } from './database';

/** How many rows one slice reads: a few milliseconds of work on a laptop. */
const SLICE_ROWS = 500;

export interface Target {
  kind: 'table' | 'index';
  name: string;
  table: string;
  /** An index's key columns, in order; a WITHOUT ROWID table's primary key. */
  columns: string[];
  /** A partial index's WHERE clause. */
  where: string | null;
  /** Whether the table has a rowid (tables only). */
  rowid: boolean;
}

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** The tables and plain ascending indexes of the database, in a stable order. */
export async function checkTargets(tx: Tx): Promise<Target[]> {
  const objects = await tx.all<{ type: string; name: string; tbl_name: string; sql: string | null }>(
    `SELECT type, name, tbl_name, sql FROM sqlite_schema
      WHERE type IN ('table', 'index') AND (name NOT LIKE 'sqlite_%' OR name LIKE 'sqlite_autoindex_%')
      ORDER BY type DESC, name`,
  );
  const out: Target[] = [];
  for (const object of objects) {
    // A virtual table (the full-text index) keeps its data in ordinary shadow tables, read as such.
    if (object.type === 'table' && /^\s*CREATE\s+VIRTUAL/i.test(object.sql ?? '')) continue;
    if (object.type === 'table') {
      const withoutRowid = /WITHOUT\s+ROWID/i.test(object.sql ?? '');
      const pk = withoutRowid
        ? (await tx.all<{ name: string; pk: number }>(`PRAGMA table_info(${quote(object.name)})`))
            .filter((c) => c.pk > 0)
            .sort((a, b) => a.pk - b.pk)
            .map((c) => c.name)
        : [];
      out.push({
        kind: 'table',
        name: object.name,
        table: object.name,
        columns: pk,
        where: null,
        rowid: !withoutRowid,
      });
      continue;
    }
    // Keys only (index_xinfo also lists the rowid and covering columns, with key = 0). SQLite's own
    // indexes for UNIQUE and PRIMARY KEY constraints are read like the others.
    const info = await tx.all<{ name: string | null; desc: number; key: number }>(
      `PRAGMA index_xinfo(${quote(object.name)})`,
    );
    const columns = info.filter((c) => c.key === 1);
    // Indexes on expressions, or in descending order, cannot be walked key by key in one query
    // here; their tables' rows are read all the same.
    if (columns.length === 0 || columns.some((c) => c.name === null || c.desc === 1)) continue;
    const where = /\)\s*WHERE\s+(.+)$/is.exec(object.sql ?? '')?.[1] ?? null;
    // An index of a WITHOUT ROWID table holds its table's primary key where others hold the rowid:
    // its keys and that key together are unique, and are walked the same way.
    const withoutRowid = out.some((t) => t.kind === 'table' && t.name === object.tbl_name && !t.rowid);
    const walked = withoutRowid
      ? [...new Set(info.filter((c) => c.name !== null).map((c) => c.name!))]
      : columns.map((c) => c.name!);
    out.push({
      kind: 'index',
      name: object.name,
      table: object.tbl_name,
      columns: walked,
      where,
      rowid: !withoutRowid,
    });
  }
  return out;
}

/** Where a background check has got to: which object, and the last key read. */
export interface CheckProgress {
  target: number;
  /** The target's name: if a migration since changed the list, that target is read from its start. */
  name?: string;
  /** The last row's key (rowid, or key columns then rowid), as read. */
  after: unknown[] | null;
}

/**
 * Reads the next slice of `targets`; returns where the next one starts, or null when every table
 * and index has been read through. Throws SQLITE_CORRUPT where a page cannot be read.
 */
export async function checkSlice(
  tx: Tx,
  targets: readonly Target[],
  progress: CheckProgress,
): Promise<CheckProgress | null> {
  const target = targets[progress.target];
  if (!target) return null;
  if (progress.after && progress.name !== target.name) progress = { target: progress.target, after: null };
  const next = (after: unknown[] | null): CheckProgress =>
    after
      ? { target: progress.target, name: target.name, after }
      : { target: progress.target + 1, name: targets[progress.target + 1]?.name, after: null };
  // A table may have gone (a later migration): nothing to read.
  const exists = await tx.get('SELECT 1 FROM sqlite_schema WHERE name = ?', [target.name]);
  if (!exists) return next(null);

  if (target.kind === 'table' && target.rowid) {
    const rows = await tx.all<Record<string, unknown>>(
      `SELECT rowid AS "__rowid", * FROM ${quote(target.table)} WHERE rowid > ? ORDER BY rowid LIMIT ?`,
      [(progress.after?.[0] as number | undefined) ?? -Infinity, SLICE_ROWS],
    );
    return next(rows.length === SLICE_ROWS ? [rows[rows.length - 1]!.__rowid] : null);
  }
  // Key by key, in the index's (or the primary key's) order, with the rowid breaking ties (or, in an
  // index of a WITHOUT ROWID table, its primary key, already among the columns).
  const keys = target.kind === 'index' && target.rowid ? [...target.columns, 'rowid'] : target.columns;
  const list = keys.map((k) => (k === 'rowid' ? k : quote(k))).join(', ');
  const placeholders = keys.map(() => '?').join(', ');
  const conditions = [
    ...(progress.after ? [`(${list}) > (${placeholders})`] : []),
    ...(target.where ? [`(${target.where})`] : []),
  ];
  const rows = await tx.all<Record<string, unknown>>(
    `SELECT ${keys.map((k, i) => `${k === 'rowid' ? k : quote(k)} AS k${i}`).join(', ')}
       FROM ${quote(target.table)} ${target.kind === 'index' ? `INDEXED BY ${quote(target.name)}` : ''}
      ${conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : ''}
      ORDER BY ${list} LIMIT ?`,
    [...((progress.after ?? []) as (string | number | null)[]), SLICE_ROWS],
  );
  if (rows.length < SLICE_ROWS) return next(null);
  const last = keys.map((_, i) => rows[rows.length - 1]![`k${i}`]);
  // Keys with NULL in them do not compare: the rest of this index is left to its table's read.
  return next(last.some((k) => k === null) ? null : last);
}
