/**
 * Variants of the engine's open pragmas for the OPFS experiment (`--variants`). Each rewrites the
 * engine's OPEN_PRAGMAS text; nothing here changes what the app does.
 */

/** Replaces `PRAGMA name = …;` in the text, or appends it. */
export function setPragma(pragmas: string, name: string, value: string): string {
  const re = new RegExp(`PRAGMA\\s+${name}\\s*=\\s*[^;]+;`, 'i');
  const line = `PRAGMA ${name} = ${value};`;
  return re.test(pragmas) ? pragmas.replace(re, line) : `${pragmas}\n  ${line}\n`;
}

export interface Variant {
  name: string;
  /** What it trades away, for the report. */
  note: string;
  pragmas(engine: string): string;
  /** Statuses per ingest transaction, when not the run's default. */
  pageSize?: number;
}

export const OPFS_VARIANTS: readonly Variant[] = [
  { name: 'app', note: "the engine's pragmas", pragmas: (p) => p },
  {
    name: 'sync-normal',
    note: 'synchronous=NORMAL: one fewer flush per commit; a crash can lose the last commit, not corrupt',
    pragmas: (p) => setPragma(p, 'synchronous', 'NORMAL'),
  },
  {
    name: 'journal-persist',
    note: 'journal_mode=PERSIST: zero the journal header instead of truncating the file',
    pragmas: (p) => setPragma(p, 'journal_mode', 'PERSIST'),
  },
  {
    name: 'journal-memory',
    note: 'journal_mode=MEMORY: no journal file; a crash mid-commit can corrupt the database',
    pragmas: (p) => setPragma(p, 'journal_mode', 'MEMORY'),
  },
  {
    name: 'journal-off',
    note: 'journal_mode=OFF + synchronous=OFF: no durability at all (upper bound only)',
    pragmas: (p) => setPragma(setPragma(p, 'journal_mode', 'OFF'), 'synchronous', 'OFF'),
  },
  {
    name: 'exclusive',
    note: 'locking_mode=EXCLUSIVE: keep the lock (and cache) between transactions',
    pragmas: (p) => `PRAGMA locking_mode = EXCLUSIVE;\n${p}`,
  },
  {
    name: 'wal-exclusive',
    note: 'WAL (needs locking_mode=EXCLUSIVE: no shared memory on OPFS) + synchronous=NORMAL',
    pragmas: (p) =>
      `PRAGMA locking_mode = EXCLUSIVE;\n${setPragma(setPragma(p, 'journal_mode', 'WAL'), 'synchronous', 'NORMAL')}`,
  },
  { name: 'page-4k', note: 'page_size=4096', pragmas: (p) => setPragma(p, 'page_size', '4096') },
  { name: 'page-8k', note: 'page_size=8192', pragmas: (p) => setPragma(p, 'page_size', '8192') },
  { name: 'page-64k', note: 'page_size=65536', pragmas: (p) => setPragma(p, 'page_size', '65536') },
  {
    name: 'cache-16m',
    note: 'cache_size=16 MB instead of 64 MB',
    pragmas: (p) => setPragma(p, 'cache_size', '-16384'),
  },
  {
    name: 'batch-40',
    note: 'one transaction per 40 statuses (a Mastodon API page)',
    pragmas: (p) => p,
    pageSize: 40,
  },
  { name: 'batch-5000', note: 'one transaction per 5,000 statuses', pragmas: (p) => p, pageSize: 5000 },
];
