import type { Database, Tx } from './database';
import { migration001 } from './migrations/001-posts';
import { migration002 } from './migrations/002-reading';
import { migration003 } from './migrations/003-author-raw';
import { migration004 } from './migrations/004-sync';
import { migration005 } from './migrations/005-account-rules';
import { migration006 } from './migrations/006-ranking';
import { migration007 } from './migrations/007-follows';
import { migration008 } from './migrations/008-ranking-indexes';
import { migration009 } from './migrations/009-learning-examples';
import { migration010 } from './migrations/010-embedder-v2';
import { migration011 } from './migrations/011-servers';
import { migration012 } from './migrations/012-model-snapshot';
import { migration013 } from './migrations/013-packed-posts';
import { migration014 } from './migrations/014-post-retention';
import { migration015 } from './migrations/015-deleted-posts';
import { migration016 } from './migrations/016-notifications';
import { migration017 } from './migrations/017-account-lists';
import { migration018 } from './migrations/018-reading-markers';
import { migration019 } from './migrations/019-image-hosts';
import { migration020 } from './migrations/020-notifications-by-account';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Every migration, in order. Append only: a shipped migration never changes. */
export const MIGRATIONS: readonly Migration[] = [
  migration001,
  migration002,
  migration003,
  migration004,
  migration005,
  migration006,
  migration007,
  migration008,
  migration009,
  migration010,
  migration011,
  migration012,
  migration013,
  migration014,
  migration015,
  migration016,
  migration017,
  migration018,
  migration019,
  migration020,
];

export const LATEST_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

export async function schemaVersion(db: Tx): Promise<number> {
  const row = await db.get<{ user_version: number }>('PRAGMA user_version');
  return row?.user_version ?? 0;
}

/**
 * Brings the database to `target` (the latest by default), one migration per transaction so a
 * crash leaves it at a whole version. Returns the versions applied.
 */
export async function migrate(db: Database, target = LATEST_SCHEMA_VERSION): Promise<number[]> {
  const current = await schemaVersion(db);
  if (current > LATEST_SCHEMA_VERSION) {
    throw new Error(
      `The database was written by a newer Corgi (schema ${current}; this one knows up to ${LATEST_SCHEMA_VERSION}).`,
    );
  }
  const applied: number[] = [];
  for (const migration of MIGRATIONS) {
    if (migration.version <= current || migration.version > target) continue;
    await db.transaction(async (tx) => {
      await tx.exec(migration.sql);
      await tx.exec(`PRAGMA user_version = ${migration.version}`);
    });
    applied.push(migration.version);
  }
  return applied;
}
