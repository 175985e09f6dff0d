/**
 * Interactions and the author and tag affinities derived from them.
 *
 * An affinity is a sum of interaction weights decaying with a 30-day half-life. It is kept up to
 * date for the keys an interaction touches, and can always be rebuilt from the folded part (what
 * retention summarised before deleting raw rows) plus the interactions still stored.
 */
import type { Tx } from '../db/database';
import type { InteractionInput, InteractionKind, PrivacyLevel } from '../../src-shared/worker-api';
import { EngineError } from '../errors';
import { feedbackWeight } from '../rank/person-model';

export const AFFINITY_HALF_LIFE_MS = 30 * 24 * 3600 * 1000;
/** Signals that exist only on this machine; at privacy level NONE they are not recorded. */
const LOCAL_ONLY_KINDS: ReadonlySet<InteractionKind> = new Set([
  'view',
  'open',
  'dwell',
  'more_like_this',
  'less_like_this',
]);

export function decay(fromAt: number, toAt: number): number {
  return Math.pow(0.5, (toAt - fromAt) / AFFINITY_HALF_LIFE_MS);
}

/** What one interaction says about liking its author and tags (a view says nothing). */
export function interactionWeight(kind: InteractionKind, value: number): number {
  return kind === 'view' ? 0 : feedbackWeight(kind, value);
}

/**
 * Records an interaction; false when nothing changed (a toggle already on, or level NONE). Its kind
 * and numbers were checked at the worker's edge (src-shared/renderer-api-schemas.ts), and only
 * toggles reach `undoInteraction`.
 */
export async function recordInteraction(
  tx: Tx,
  input: InteractionInput,
  level: PrivacyLevel,
  now: number,
): Promise<boolean> {
  if (level === 'NONE' && LOCAL_ONLY_KINDS.has(input.kind)) return false;
  const status = await tx.get<{ author_id: number }>('SELECT author_id FROM statuses WHERE id = ?', [
    input.statusId,
  ]);
  if (!status) throw new EngineError('not_found', `No post with id ${input.statusId}.`);
  const result = await tx.run(
    `INSERT INTO interactions (account_id, status_id, kind, at, value, context)
     VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
    [
      input.accountId ?? null,
      input.statusId,
      input.kind,
      input.at ?? now,
      input.value ?? 1,
      input.context ? JSON.stringify(input.context) : null,
    ],
  );
  if (result.changes === 0) return false;
  await addToAffinities(
    tx,
    input.statusId,
    { kind: input.kind, value: input.value ?? 1, at: input.at ?? now },
    now,
  );
  return true;
}

/**
 * One more interaction (or, `sign` -1, one undone), added to (or taken from) its post's author's
 * and tags' affinities as it is: the sum decayed to now plus (or minus) its own weight, the same as
 * rebuilding from every interaction (which reads all of them: a tag's are found only by reading
 * every post's tags) but at the cost of one row each. A view weighs nothing and changes nothing.
 */
async function addToAffinities(
  tx: Tx,
  statusId: number,
  added: Contribution,
  now: number,
  sign: 1 | -1 = 1,
): Promise<void> {
  const w = interactionWeight(added.kind, added.value) * sign;
  if (w === 0) return;
  // (An undone interaction leaves when it was last acted on as it was, as a rebuild does.)
  const count = sign;
  const status = await tx.get<{ author_id: number; tags: string }>(
    'SELECT author_id, tags FROM statuses WHERE id = ?',
    [statusId],
  );
  if (!status) return;
  const add = async (table: 'author_affinities' | 'tag_affinities', key: string, id: number | string) => {
    const row = await tx.get<{ weight: number; folded_weight: number; ref_at: number }>(
      `SELECT weight, folded_weight, ref_at FROM ${table} WHERE ${key} = ?`,
      [id],
    );
    // (Nothing to take an undone interaction from: there is nothing it added to.)
    if (!row && sign < 0) return;
    const since = row ? decay(row.ref_at, now) : 1;
    await tx.run(
      `INSERT INTO ${table} (${key}, weight, positives, negatives, last_at, ref_at,
         folded_weight, folded_positives, folded_negatives)
       VALUES (?, ?, ?, ?, ?, ?, 0, 0, 0)
       ON CONFLICT (${key}) DO UPDATE SET weight = excluded.weight,
         positives = positives + excluded.positives, negatives = negatives + excluded.negatives,
         last_at = max(ifnull(last_at, 0), excluded.last_at), ref_at = excluded.ref_at,
         folded_weight = ?`,
      [
        id,
        (row?.weight ?? 0) * since + w * decay(added.at, now),
        w * sign > 0 ? count : 0,
        w * sign < 0 ? count : 0,
        added.at,
        now,
        (row?.folded_weight ?? 0) * since,
      ],
    );
  };
  await add('author_affinities', 'author_id', status.author_id);
  for (const tag of JSON.parse(status.tags) as string[]) await add('tag_affinities', 'tag', tag);
}

/** Switches a toggle off; false when it was not on. */
export async function undoInteraction(tx: Tx, input: InteractionInput, now: number): Promise<boolean> {
  const [undone] = await tx.all<Contribution>(
    `UPDATE interactions SET undone_at = ?
      WHERE ifnull(account_id, 0) = ifnull(?, 0) AND status_id = ? AND kind = ? AND undone_at IS NULL
      RETURNING kind, value, at`,
    [input.at ?? now, input.accountId ?? null, input.statusId, input.kind],
  );
  if (!undone) return false;
  await addToAffinities(tx, input.statusId, undone, now, -1);
  return true;
}

interface Contribution {
  kind: InteractionKind;
  value: number;
  at: number;
}

interface Folded {
  folded_weight: number;
  folded_positives: number;
  folded_negatives: number;
  ref_at: number;
}

function summarise(contributions: Contribution[], folded: Folded | undefined, now: number) {
  let weight = folded ? folded.folded_weight * decay(folded.ref_at, now) : 0;
  let positives = folded?.folded_positives ?? 0;
  let negatives = folded?.folded_negatives ?? 0;
  let lastAt: number | null = null;
  for (const c of contributions) {
    const w = interactionWeight(c.kind, c.value);
    weight += w * decay(c.at, now);
    if (w > 0) positives++;
    if (w < 0) negatives++;
    if (w !== 0 && (lastAt === null || c.at > lastAt)) lastAt = c.at;
  }
  return { weight, positives, negatives, lastAt, foldedWeight: weight - rawPart(contributions, now) };
}

function rawPart(contributions: Contribution[], now: number): number {
  let sum = 0;
  for (const c of contributions) sum += interactionWeight(c.kind, c.value) * decay(c.at, now);
  return sum;
}

export async function rebuildAuthorAffinity(tx: Tx, authorId: number, now: number): Promise<void> {
  const contributions = await tx.all<Contribution>(
    `SELECT i.kind, i.value, i.at FROM interactions i JOIN statuses s ON s.id = i.status_id
      WHERE s.author_id = ? AND i.undone_at IS NULL`,
    [authorId],
  );
  const folded = await tx.get<Folded>(
    'SELECT folded_weight, folded_positives, folded_negatives, ref_at FROM author_affinities WHERE author_id = ?',
    [authorId],
  );
  const s = summarise(contributions, folded, now);
  await tx.run(
    `INSERT INTO author_affinities (author_id, weight, positives, negatives, last_at, ref_at,
       folded_weight, folded_positives, folded_negatives)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (author_id) DO UPDATE SET weight = excluded.weight, positives = excluded.positives,
       negatives = excluded.negatives, last_at = max(ifnull(last_at, 0), ifnull(excluded.last_at, 0)),
       ref_at = excluded.ref_at, folded_weight = excluded.folded_weight`,
    [
      authorId,
      s.weight,
      s.positives,
      s.negatives,
      s.lastAt,
      now,
      s.foldedWeight,
      folded?.folded_positives ?? 0,
      folded?.folded_negatives ?? 0,
    ],
  );
}

export async function rebuildTagAffinity(tx: Tx, tag: string, now: number): Promise<void> {
  const contributions = await tx.all<Contribution>(
    `SELECT i.kind, i.value, i.at FROM interactions i JOIN statuses s ON s.id = i.status_id
      WHERE i.undone_at IS NULL AND EXISTS (SELECT 1 FROM json_each(s.tags) t WHERE t.value = ?)`,
    [tag],
  );
  const folded = await tx.get<Folded>(
    'SELECT folded_weight, folded_positives, folded_negatives, ref_at FROM tag_affinities WHERE tag = ?',
    [tag],
  );
  const s = summarise(contributions, folded, now);
  await tx.run(
    `INSERT INTO tag_affinities (tag, weight, positives, negatives, last_at, ref_at,
       folded_weight, folded_positives, folded_negatives)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (tag) DO UPDATE SET weight = excluded.weight, positives = excluded.positives,
       negatives = excluded.negatives, last_at = max(ifnull(last_at, 0), ifnull(excluded.last_at, 0)),
       ref_at = excluded.ref_at, folded_weight = excluded.folded_weight`,
    [
      tag,
      s.weight,
      s.positives,
      s.negatives,
      s.lastAt,
      now,
      s.foldedWeight,
      folded?.folded_positives ?? 0,
      folded?.folded_negatives ?? 0,
    ],
  );
}

/** Rebuilds every affinity from folded totals and raw interactions. */
export async function rebuildAllAffinities(tx: Tx, now: number): Promise<void> {
  const authors = await tx.all<{ author_id: number }>(
    `SELECT author_id FROM author_affinities
     UNION SELECT DISTINCT s.author_id FROM interactions i JOIN statuses s ON s.id = i.status_id`,
  );
  for (const a of authors) await rebuildAuthorAffinity(tx, a.author_id, now);
  const tags = await tx.all<{ tag: string }>(
    `SELECT tag FROM tag_affinities
     UNION SELECT DISTINCT t.value FROM interactions i JOIN statuses s ON s.id = i.status_id, json_each(s.tags) t`,
  );
  for (const t of tags) await rebuildTagAffinity(tx, t.tag, now);
}

/**
 * Folds interactions older than `cutoff` into the affinities and deletes them. The affinities do
 * not change: what the raw rows contributed moves into the folded columns.
 */
export async function foldInteractionsBefore(tx: Tx, cutoff: number, now: number): Promise<number> {
  const old = await tx.all<
    Contribution & { id: number; author_id: number; tags: string; undone_at: number | null }
  >(
    `SELECT i.id, i.kind, i.value, i.at, i.undone_at, s.author_id, s.tags
       FROM interactions i JOIN statuses s ON s.id = i.status_id WHERE i.at < ?`,
    [cutoff],
  );
  if (old.length === 0) return 0;
  const byAuthor = new Map<number, Contribution[]>();
  const byTag = new Map<string, Contribution[]>();
  for (const row of old) {
    if (row.undone_at !== null) continue;
    const list = byAuthor.get(row.author_id) ?? [];
    list.push(row);
    byAuthor.set(row.author_id, list);
    for (const tag of JSON.parse(row.tags) as string[]) {
      const tagList = byTag.get(tag) ?? [];
      tagList.push(row);
      byTag.set(tag, tagList);
    }
  }
  const fold = async (
    table: 'author_affinities' | 'tag_affinities',
    key: string,
    id: number | string,
    rows: Contribution[],
  ) => {
    let weight = 0;
    let positives = 0;
    let negatives = 0;
    for (const c of rows) {
      const w = interactionWeight(c.kind, c.value);
      weight += w * decay(c.at, now);
      if (w > 0) positives++;
      if (w < 0) negatives++;
    }
    const existing = await tx.get<Folded>(
      `SELECT folded_weight, folded_positives, folded_negatives, ref_at FROM ${table} WHERE ${key} = ?`,
      [id],
    );
    // The existing folded weight is re-referenced to \`now\` before adding to it.
    const foldedWeight = (existing ? existing.folded_weight * decay(existing.ref_at, now) : 0) + weight;
    await tx.run(
      `INSERT INTO ${table} (${key}, weight, positives, negatives, ref_at, folded_weight, folded_positives, folded_negatives)
       VALUES (?, 0, 0, 0, ?, ?, ?, ?)
       ON CONFLICT (${key}) DO UPDATE SET ref_at = excluded.ref_at, folded_weight = excluded.folded_weight,
         folded_positives = folded_positives + excluded.folded_positives,
         folded_negatives = folded_negatives + excluded.folded_negatives`,
      [id, now, foldedWeight, positives, negatives],
    );
  };
  for (const [authorId, rows] of byAuthor) await fold('author_affinities', 'author_id', authorId, rows);
  for (const [tag, rows] of byTag) await fold('tag_affinities', 'tag', tag, rows);
  await tx.run('DELETE FROM interactions WHERE at < ?', [cutoff]);
  for (const authorId of byAuthor.keys()) await rebuildAuthorAffinity(tx, authorId, now);
  for (const tag of byTag.keys()) await rebuildTagAffinity(tx, tag, now);
  return old.length;
}
