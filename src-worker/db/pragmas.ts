/** The database's pragmas, in a module of their own: the worker's first-page reader sets them too. */

/**
 * Pragmas of the file, set when it is made: they cannot change once it holds tables (short of a
 * VACUUM). See DESIGN: large pages; free pages given back a slice at a time.
 */
export const FILE_PRAGMAS = `
  PRAGMA page_size = 16384;
  PRAGMA auto_vacuum = INCREMENTAL;
`;

/** Pragmas of the connection, set at every open. See DESIGN: a large cache, never commit per row. */
export const CONNECTION_PRAGMAS = `
  PRAGMA cache_size = -65536;
  PRAGMA journal_mode = TRUNCATE;
  PRAGMA synchronous = FULL;
  PRAGMA foreign_keys = ON;
  PRAGMA secure_delete = FAST;
  PRAGMA temp_store = MEMORY;
`;

/** Every pragma, as a database is made: the file's, then the connection's. */
export const OPEN_PRAGMAS = FILE_PRAGMAS + CONNECTION_PRAGMAS;
