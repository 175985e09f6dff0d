/**
 * What each account's server is and offers (migration 011), how each step of its sync went, and
 * what the servers sent that could not be read. The Mastodon client writes these; the accounts
 * panel reads them to say what works, what does not and why.
 */
import type { Tx } from '../db/database';
import { EngineError } from '../errors';
import { boundedJson } from '../ingest/normalize';
import {
  SERVER_FEATURES,
  type FeatureState,
  type FieldDiagnostic,
  type ServerFeature,
  type ServerInfo,
  type SyncStepState,
} from '../../src-shared/worker-api';

async function requireAccount(tx: Tx, accountId: number): Promise<void> {
  const row = await tx.get('SELECT id FROM accounts WHERE id = ?', [accountId]);
  if (!row) throw new EngineError('not_found', `No account with id ${accountId}.`);
}

function requireFeature(feature: string): asserts feature is ServerFeature {
  if (!(SERVER_FEATURES as readonly string[]).includes(feature))
    throw new EngineError('invalid_input', `unknown server feature ${JSON.stringify(feature)}`);
}

interface ServerRow {
  software: string;
  software_version: string | null;
  mastodon_version: string | null;
  api_version: number | null;
  streaming_url: string | null;
  max_characters: number | null;
  instance_json: string;
}

export async function saveServer(
  tx: Tx,
  accountId: number,
  info: ServerInfo,
  raw: unknown,
  features: Partial<Record<ServerFeature, { available: boolean; reason: string }>>,
  now: number,
): Promise<void> {
  await requireAccount(tx, accountId);
  if (!info || typeof info.software !== 'string' || info.software === '')
    throw new EngineError('invalid_input', 'server info needs the software it runs');
  await tx.run(
    `INSERT INTO account_servers (account_id, software, software_version, mastodon_version,
       api_version, streaming_url, max_characters, instance_json, fetched_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (account_id) DO UPDATE SET software = excluded.software,
       software_version = excluded.software_version, mastodon_version = excluded.mastodon_version,
       api_version = excluded.api_version, streaming_url = excluded.streaming_url,
       max_characters = excluded.max_characters, instance_json = excluded.instance_json,
       fetched_at = excluded.fetched_at`,
    [
      accountId,
      info.software,
      info.softwareVersion,
      info.mastodonVersion,
      info.apiVersion,
      info.streamingUrl,
      info.maxCharacters,
      boundedJson({ documentVersion: info.documentVersion, title: info.title, document: raw }),
      now,
    ],
  );
  for (const [feature, state] of Object.entries(features)) {
    // What the document settles is asked again when the document is read again (daily).
    await setFeature(tx, accountId, feature, { ...state, retryAt: null }, now);
  }
}

export async function serverInfo(tx: Tx, accountId: number): Promise<ServerInfo | null> {
  const row = await tx.get<ServerRow>('SELECT * FROM account_servers WHERE account_id = ?', [accountId]);
  if (!row) return null;
  const stored = JSON.parse(row.instance_json) as { documentVersion?: 1 | 2; title?: string };
  return {
    software: row.software,
    softwareVersion: row.software_version,
    mastodonVersion: row.mastodon_version,
    apiVersion: row.api_version,
    documentVersion: stored.documentVersion ?? 2,
    streamingUrl: row.streaming_url,
    maxCharacters: row.max_characters,
    title: stored.title ?? '',
  };
}

export async function setFeature(
  tx: Tx,
  accountId: number,
  feature: string,
  state: { available: boolean; reason?: string | null; retryAt?: number | null },
  now: number,
): Promise<void> {
  requireFeature(feature);
  await requireAccount(tx, accountId);
  await tx.run(
    `INSERT INTO account_features (account_id, feature, available, reason, checked_at, retry_at)
     VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (account_id, feature) DO UPDATE SET available = excluded.available,
       reason = excluded.reason, checked_at = excluded.checked_at, retry_at = excluded.retry_at`,
    [
      accountId,
      feature,
      state.available ? 1 : 0,
      state.reason ?? null,
      now,
      state.available ? null : (state.retryAt ?? null),
    ],
  );
}

export async function listFeatures(tx: Tx, accountId: number): Promise<FeatureState[]> {
  const rows = await tx.all<{
    feature: ServerFeature;
    available: number;
    reason: string | null;
    checked_at: number;
    retry_at: number | null;
  }>('SELECT * FROM account_features WHERE account_id = ? ORDER BY feature', [accountId]);
  return rows.map((r) => ({
    feature: r.feature,
    available: r.available === 1,
    reason: r.reason,
    checkedAt: r.checked_at,
    retryAt: r.retry_at,
  }));
}

interface StepRow {
  step: string;
  last_ok_at: number | null;
  last_error: string | null;
  last_error_at: number | null;
  failures: number;
  next_at: number | null;
}

function toStep(row: StepRow): SyncStepState {
  return {
    step: row.step,
    lastOkAt: row.last_ok_at,
    lastError: row.last_error,
    lastErrorAt: row.last_error_at,
    failures: row.failures,
    nextAt: row.next_at,
  };
}

/**
 * A success clears the failures; a failure counts one more and keeps its reason; a step skipped
 * (its feature switched off) clears the failures without counting as a success.
 */
export async function recordStep(
  tx: Tx,
  accountId: number,
  step: string,
  outcome: { error: string | null; nextAt: number | null; skipped?: boolean },
  now: number,
): Promise<SyncStepState> {
  await requireAccount(tx, accountId);
  if (typeof step !== 'string' || step === '') throw new EngineError('invalid_input', 'a step needs a name');
  const failed = typeof outcome.error === 'string';
  const rows = await tx.all<StepRow>(
    failed
      ? `INSERT INTO sync_steps (account_id, step, last_error, last_error_at, failures, next_at)
           VALUES (?, ?, ?, ?, 1, ?)
           ON CONFLICT (account_id, step) DO UPDATE SET last_error = excluded.last_error,
             last_error_at = excluded.last_error_at, failures = failures + 1, next_at = excluded.next_at
           RETURNING *`
      : `INSERT INTO sync_steps (account_id, step, last_ok_at, failures, next_at)
           VALUES (?, ?, ?, 0, ?)
           ON CONFLICT (account_id, step) DO UPDATE SET
             last_ok_at = ifnull(excluded.last_ok_at, last_ok_at), failures = 0, next_at = excluded.next_at
           RETURNING *`,
    failed
      ? [accountId, step, outcome.error, now, outcome.nextAt]
      : [accountId, step, outcome.skipped ? null : now, outcome.nextAt],
  );
  return toStep(rows[0]!);
}

/** Forgets the records of steps that no longer exist (a list deleted, a hashtag unfollowed). */
export async function forgetSteps(tx: Tx, accountId: number, steps: readonly string[]): Promise<void> {
  for (const step of steps)
    await tx.run('DELETE FROM sync_steps WHERE account_id = ? AND step = ?', [accountId, step]);
}

export async function listSteps(tx: Tx, accountId: number): Promise<SyncStepState[]> {
  const rows = await tx.all<StepRow>('SELECT * FROM sync_steps WHERE account_id = ? ORDER BY step', [
    accountId,
  ]);
  return rows.map(toStep);
}

/** Per "Entity.field": how many optional fields were dropped and texts cut. */
export type FieldCounts = ReadonlyMap<string, { dropped: number; cut: number }>;

/** Adds what one parse dropped and cut to per-field counts. */
export function countParseNotes(
  counts: Map<string, { dropped: number; cut: number }>,
  parsed: { dropped: ReadonlyMap<string, number>; cuts: readonly { field: string }[] },
): void {
  const entry = (field: string) => {
    let e = counts.get(field);
    if (!e) counts.set(field, (e = { dropped: 0, cut: 0 }));
    return e;
  };
  for (const [field, n] of parsed.dropped) entry(field).dropped += n;
  for (const cut of parsed.cuts) entry(cut.field).cut++;
}

/** Adds to a server's per-field diagnostics: one row a field, counting every occurrence. */
export async function addFieldDiagnostics(
  tx: Tx,
  instance: string,
  counts: FieldCounts,
  now: number,
): Promise<void> {
  for (const [field, { dropped, cut }] of counts) {
    if (typeof field !== 'string' || field === '' || !(dropped >= 0 && cut >= 0)) continue;
    await tx.run(
      `INSERT INTO field_diagnostics (instance, field, dropped, cut, first_at, last_at)
       VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (instance, field) DO UPDATE SET dropped = dropped + excluded.dropped,
         cut = cut + excluded.cut, last_at = excluded.last_at`,
      [instance, field, Math.floor(dropped), Math.floor(cut), now, now],
    );
  }
}

/** Adds an account's server's diagnostics (from entities parsed outside the engine). */
export async function recordAccountDiagnostics(
  tx: Tx,
  accountId: number,
  dropped: Readonly<Record<string, number>>,
  now: number,
): Promise<void> {
  const row = await tx.get<{ instance: string }>('SELECT instance FROM accounts WHERE id = ?', [accountId]);
  if (!row) throw new EngineError('not_found', `No account with id ${accountId}.`);
  const counts = new Map(
    Object.entries(dropped ?? {}).map(([field, n]) => [field, { dropped: Number(n), cut: 0 }]),
  );
  await addFieldDiagnostics(tx, row.instance, counts, now);
}

export async function fieldDiagnostics(tx: Tx, instance?: string): Promise<FieldDiagnostic[]> {
  const rows = await tx.all<{
    instance: string;
    field: string;
    dropped: number;
    cut: number;
    first_at: number;
    last_at: number;
  }>(
    instance === undefined
      ? 'SELECT * FROM field_diagnostics ORDER BY instance, field'
      : 'SELECT * FROM field_diagnostics WHERE instance = ? ORDER BY field',
    instance === undefined ? [] : [instance],
  );
  return rows.map((r) => ({
    instance: r.instance,
    field: r.field,
    dropped: r.dropped,
    cut: r.cut,
    firstAt: r.first_at,
    lastAt: r.last_at,
  }));
}
