/**
 * The person's own Mastodon identities. Tokens never reach this database: they stay in the
 * desktop process's vault (or the web edition's key store).
 */
import { httpsHost, recordImageHosts } from './image-hosts';
import type { Tx } from '../db/database';
import type { Account, AccountInput, AccountState } from '../../src-shared/worker-api';
import { EngineError } from '../errors';
import { absoluteAcct } from '../ingest/normalize';

interface AccountRow {
  id: number;
  instance: string;
  remote_id: string;
  acct: string;
  display_name: string;
  avatar_url: string | null;
  is_default: number;
  state: 'active' | 'needs_sign_in';
  unreachable: number;
  state_reason: string | null;
  state_since: number | null;
}

function toAccount(row: AccountRow): Account {
  return {
    id: row.id,
    instance: row.instance,
    remoteId: row.remote_id,
    acct: row.acct,
    displayName: row.display_name,
    avatarUrl: row.avatar_url,
    isDefault: row.is_default === 1,
    state: row.state === 'needs_sign_in' ? 'needs_sign_in' : row.unreachable === 1 ? 'unreachable' : 'active',
    stateReason: row.state_reason,
    stateSince: row.state_since,
  };
}

const HOST = /^[a-z0-9.-]+(:\d+)?$/;

export async function listAccounts(tx: Tx): Promise<Account[]> {
  const rows = await tx.all<AccountRow>('SELECT * FROM accounts ORDER BY id');
  return rows.map(toAccount);
}

export async function upsertAccount(tx: Tx, input: AccountInput, now: number): Promise<Account> {
  const instance = String(input.instance ?? '')
    .trim()
    .toLowerCase();
  if (!HOST.test(instance)) throw new EngineError('invalid_input', `Not a server name: ${input.instance}`);
  if (!input.remoteId || typeof input.remoteId !== 'string') {
    throw new EngineError('invalid_input', 'An account needs its id on the server.');
  }
  if (!input.acct || typeof input.acct !== 'string') {
    throw new EngineError('invalid_input', 'An account needs its username.');
  }
  const acct = absoluteAcct(input.acct, instance);
  const existingCount = await tx.get<{ n: number }>('SELECT count(*) AS n FROM accounts');
  const makeDefault = input.isDefault === true || existingCount?.n === 0;
  if (makeDefault) await tx.run('UPDATE accounts SET is_default = 0 WHERE is_default = 1');
  await tx.run(
    `INSERT INTO accounts (instance, remote_id, acct, display_name, avatar_url, is_default, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (instance, remote_id) DO UPDATE SET acct = excluded.acct,
       display_name = excluded.display_name, avatar_url = excluded.avatar_url,
       is_default = max(is_default, excluded.is_default), state = 'active', unreachable = 0,
       state_reason = NULL, state_since = NULL`,
    [
      instance,
      input.remoteId,
      acct,
      input.displayName ?? '',
      input.avatarUrl ?? null,
      makeDefault ? 1 : 0,
      now,
    ],
  );
  await recordImageHosts(
    tx,
    [httpsHost(input.avatarUrl)].filter((h) => h !== null),
    now,
  );
  const row = await tx.get<AccountRow>('SELECT * FROM accounts WHERE instance = ? AND remote_id = ?', [
    instance,
    input.remoteId,
  ]);
  return toAccount(row!);
}

/**
 * Marks an account as needing to sign in again, as unreachable, or as fine again. A problem keeps
 * when it began while it lasts; `reason` says what happened in words the person can act on.
 */
export async function setAccountState(
  tx: Tx,
  accountId: number,
  state: AccountState,
  reason: string | null,
  now: number,
): Promise<void> {
  if (state !== 'active' && state !== 'needs_sign_in' && state !== 'unreachable')
    throw new EngineError('invalid_input', `unknown account state ${JSON.stringify(state)}`);
  const row = await tx.get<AccountRow>('SELECT * FROM accounts WHERE id = ?', [accountId]);
  if (!row) throw new EngineError('not_found', `No account with id ${accountId}.`);
  const same = toAccount(row).state === state;
  await tx.run(
    `UPDATE accounts SET state = ?, unreachable = ?, state_reason = ?, state_since = ? WHERE id = ?`,
    [
      state === 'needs_sign_in' ? 'needs_sign_in' : 'active',
      state === 'unreachable' ? 1 : 0,
      state === 'active' ? null : (reason ?? null),
      state === 'active' ? null : same ? (row.state_since ?? now) : now,
      accountId,
    ],
  );
}

export async function setDefaultAccount(tx: Tx, accountId: number): Promise<void> {
  const row = await tx.get('SELECT id FROM accounts WHERE id = ?', [accountId]);
  if (!row) throw new EngineError('not_found', `No account with id ${accountId}.`);
  await tx.run('UPDATE accounts SET is_default = 0 WHERE is_default = 1');
  await tx.run('UPDATE accounts SET is_default = 1 WHERE id = ?', [accountId]);
}

/**
 * Forgets an account and what only it saw. Posts another account also saw stay; interactions made
 * through it go with it (ON DELETE CASCADE).
 */
export async function removeAccount(tx: Tx, accountId: number): Promise<void> {
  const row = await tx.get<{ is_default: number }>('SELECT is_default FROM accounts WHERE id = ?', [
    accountId,
  ]);
  if (!row) throw new EngineError('not_found', `No account with id ${accountId}.`);
  await tx.run('DELETE FROM accounts WHERE id = ?', [accountId]);
  // What a server sent that could not be read is kept while an account on it remains.
  await tx.run('DELETE FROM field_diagnostics WHERE instance NOT IN (SELECT instance FROM accounts)');
  if (row.is_default === 1) {
    await tx.run('UPDATE accounts SET is_default = 1 WHERE id = (SELECT min(id) FROM accounts)');
  }
  await deleteUnreferencedStatuses(tx);
}

/** Posts no account's timeline, reference or interaction holds any more. */
export async function deleteUnreferencedStatuses(tx: Tx): Promise<void> {
  // Found once, then removed from every table that holds them.
  await tx.run('DROP TABLE IF EXISTS temp.orphan_statuses');
  await tx.run(`CREATE TEMP TABLE orphan_statuses AS SELECT id FROM statuses s
    WHERE NOT EXISTS (SELECT 1 FROM status_refs r WHERE r.status_id = s.id)
      AND NOT EXISTS (SELECT 1 FROM timeline_entries e WHERE e.status_id = s.id)
      AND NOT EXISTS (SELECT 1 FROM interactions i WHERE i.status_id = s.id)
      AND NOT EXISTS (SELECT 1 FROM notifications n WHERE n.status_id = s.id)
      AND NOT EXISTS (SELECT 1 FROM statuses q WHERE q.quote_uri = s.uri)`);
  const orphan = 'SELECT id FROM temp.orphan_statuses';
  await tx.run(`DELETE FROM statuses_fts WHERE rowid IN (${orphan})`);
  for (const table of ['embeddings', 'feed']) {
    await tx.run(`DELETE FROM ${table} WHERE status_id IN (${orphan})`);
  }
  await tx.run(`DELETE FROM statuses WHERE id IN (${orphan})`);
  await tx.run('DROP TABLE temp.orphan_statuses');
}

/**
 * Applies deletions the server reported (ids as that account's server knows them). A deleted boost
 * only removes the timeline entry; a deleted post is tombstoned: its text goes, its row stays so it
 * is never stored again. `tombstoned` hears of each post whose text went (for what is held in
 * memory).
 */
export async function applyDeletions(
  tx: Tx,
  accountId: number,
  remoteIds: readonly string[],
  now: number,
  tombstoned?: (statusId: number) => void,
): Promise<number> {
  let applied = 0;
  for (const remoteId of remoteIds) {
    if (typeof remoteId !== 'string') throw new EngineError('invalid_input', 'ids must be strings');
    const boosts = await tx.run(
      `UPDATE timeline_entries SET deleted_at = ?
        WHERE account_id = ? AND remote_id = ? AND boosted_by_author_id IS NOT NULL AND deleted_at IS NULL`,
      [now, accountId, remoteId],
    );
    applied += boosts.changes;
    const ref = await tx.get<{ status_id: number }>(
      'SELECT status_id FROM status_refs WHERE account_id = ? AND remote_id = ?',
      [accountId, remoteId],
    );
    if (!ref) continue;
    const emptied = await tx.run(
      `UPDATE statuses SET deleted_at = ?, content_html = '', content_text = '', content_packed = NULL,
         spoiler_text = '', media = '[]', card = NULL, poll = NULL, raw_json = '{}', raw_packed = NULL
       WHERE id = ? AND deleted_at IS NULL`,
      [now, ref.status_id],
    );
    if (emptied.changes > 0) {
      applied++;
      tombstoned?.(ref.status_id);
      await tx.run('DELETE FROM statuses_fts WHERE rowid = ?', [ref.status_id]);
      await tx.run('DELETE FROM embeddings WHERE status_id = ?', [ref.status_id]);
      await tx.run('DELETE FROM feed WHERE status_id = ?', [ref.status_id]);
    }
  }
  return applied;
}
