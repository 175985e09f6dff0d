/**
 * Each account's filters, mutes and blocks (migration 005) and follows (migration 007) as its server
 * last listed them. A list replaces the stored one whole; an entry that does not parse is refused
 * alone.
 */
import { z } from 'zod';
import type { Tx } from '../db/database';
import { EngineError } from '../errors';
import { filterSchema, parseLeniently } from '../../src-shared/mastodon/entities';
import { addFieldDiagnostics, countParseNotes } from './servers';
import type { RulesResult } from '../../src-shared/worker-api';

const acctOnly = z.looseObject({ acct: z.string().min(1) });

async function accountHost(tx: Tx, accountId: number): Promise<string> {
  const row = await tx.get<{ instance: string }>('SELECT instance FROM accounts WHERE id = ?', [accountId]);
  if (!row) throw new EngineError('not_found', `No account with id ${accountId}.`);
  return row.instance;
}

export async function replaceFilters(
  tx: Tx,
  accountId: number,
  filters: readonly unknown[],
  now: number,
): Promise<RulesResult> {
  const host = await accountHost(tx, accountId);
  if (!Array.isArray(filters)) throw new EngineError('invalid_input', 'filters must be a list');
  await tx.run('DELETE FROM account_filters WHERE account_id = ?', [accountId]);
  const result: RulesResult = { saved: 0, rejected: [] };
  const counts = new Map<string, { dropped: number; cut: number }>();
  for (const [index, raw] of filters.entries()) {
    const parsed = parseLeniently(filterSchema, raw);
    countParseNotes(counts, parsed);
    if (!parsed.success) {
      result.rejected.push({
        index,
        error: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
      });
      continue;
    }
    const f = parsed.data;
    const expires = f.expires_at ? Date.parse(f.expires_at) : null;
    await tx.run(
      `INSERT OR REPLACE INTO account_filters (account_id, filter_id, title, contexts, action, keywords, expires_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
      [
        accountId,
        f.id,
        f.title,
        JSON.stringify(f.context),
        f.filter_action,
        JSON.stringify((f.keywords ?? []).map((k) => ({ keyword: k.keyword, whole_word: k.whole_word }))),
        Number.isNaN(expires) ? null : expires,
      ],
    );
    result.saved++;
  }
  await addFieldDiagnostics(tx, host, counts, now);
  return result;
}

export async function replaceRelations(
  tx: Tx,
  accountId: number,
  kind: 'mute' | 'block' | 'follow',
  accounts: readonly unknown[],
): Promise<RulesResult> {
  if (kind !== 'mute' && kind !== 'block' && kind !== 'follow')
    throw new EngineError('invalid_input', `unknown relation ${JSON.stringify(kind)}`);
  if (!Array.isArray(accounts)) throw new EngineError('invalid_input', 'accounts must be a list');
  const host = await accountHost(tx, accountId);
  if (kind === 'follow') await tx.run('DELETE FROM account_follows WHERE account_id = ?', [accountId]);
  else await tx.run('DELETE FROM account_relations WHERE account_id = ? AND kind = ?', [accountId, kind]);
  const result: RulesResult = { saved: 0, rejected: [] };
  for (const [index, raw] of accounts.entries()) {
    const parsed = acctOnly.safeParse(raw);
    if (!parsed.success) {
      result.rejected.push({ index, error: 'an account without an acct' });
      continue;
    }
    const acct = parsed.data.acct.includes('@') ? parsed.data.acct : `${parsed.data.acct}@${host}`;
    if (kind === 'follow')
      await tx.run('INSERT OR IGNORE INTO account_follows (account_id, acct) VALUES (?, ?)', [
        accountId,
        acct.toLowerCase(),
      ]);
    else
      await tx.run('INSERT OR IGNORE INTO account_relations (account_id, kind, acct) VALUES (?, ?, ?)', [
        accountId,
        kind,
        acct.toLowerCase(),
      ]);
    result.saved++;
  }
  return result;
}

/** One account muted, blocked or followed, or no longer: what the server agreed to just now. */
export async function setRelation(
  tx: Tx,
  accountId: number,
  kind: 'mute' | 'block' | 'follow',
  acct: string,
  on: boolean,
): Promise<void> {
  await accountHost(tx, accountId);
  const [table, where, values] =
    kind === 'follow'
      ? ['account_follows', 'account_id, acct', [accountId, acct.toLowerCase()]]
      : ['account_relations', 'account_id, kind, acct', [accountId, kind, acct.toLowerCase()]];
  if (on)
    await tx.run(
      `INSERT OR IGNORE INTO ${table} (${where}) VALUES (${values.map(() => '?').join(', ')})`,
      values,
    );
  else
    await tx.run(
      `DELETE FROM ${table} WHERE ${where
        .split(', ')
        .map((c) => `${c} = ?`)
        .join(' AND ')}`,
      values,
    );
}
