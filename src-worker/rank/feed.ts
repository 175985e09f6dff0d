/**
 * The ranked feed as the reader sees it. A ranking writes every candidate's position once; pages
 * are read by position, so what is above the reader never moves. Posts that arrive later wait,
 * counted as "new posts", until the reader asks for them (`refreshFeed`). Feedback on a reason
 * re-scores only the part of the feed not yet shown.
 */
import type { SqlValue, Tx } from '../db/database';
import { EngineError } from '../errors';
import type { RankingSettingsView, ReasonFeedback } from '../../src-shared/worker-api';
import { explainRanked, MODEL_VERSION, rankCandidates, type Ranking } from './ranker';
import { FEATURE_COUNT, FEATURES, type Candidate, type Feature } from './features';
import type { ReasonSubject } from './explain';
import { readSetting, writeSetting } from '../store/settings';
import { loadCandidates, loadPersonModel, saveModelSnapshot, type RankingMemory } from './ranking-store';
import {
  LEARNING_MEMORY,
  learnFromFeedback,
  LONG_DWELL_MS,
  priorWeights,
  PRESET_DISCOVERY_SHARE,
  type Example,
  type RankingSettings,
} from './weights';

/** Kinds of feedback that make a ranked post a positive example. */
const POSITIVE_KINDS = "('favourite', 'boost', 'reply', 'bookmark', 'more_like_this', 'open')";

/** A ranking is learned from once this long has passed: what the person did with it by then. */
export const LEARNING_WINDOW = 24 * 3600 * 1000;

/**
 * Learns once the ranking kept a day ago is a day old. Its candidates not acted on before it become
 * examples, and so do the posts served since the last time that the person looked at within a day
 * of being served, each with the features it was ranked by: positive when the person favourited,
 * boosted, replied to, bookmarked, opened, read at length or asked for more like it within the day,
 * and marked viewed when it was on screen within the day. Examples are kept for LEARNING_MEMORY and
 * the weights are fitted anew from all of them made by this model version (see
 * `learnFromFeedback`); measured by `npm run eval`, which learns the same way day by day. The kept
 * ranking is then let go, learned from or not.
 */
export async function learnFromDayOld(tx: Tx, now: number): Promise<RankingSettings> {
  const settings = await readSetting(tx, 'ranking');
  const kept = await tx.get<{ at: number | null }>('SELECT min(taken_at) AS at FROM learning_snapshot');
  if (kept?.at == null || now - kept.at < LEARNING_WINDOW) return settings;
  const positive = `i.undone_at IS NULL AND (i.kind IN ${POSITIVE_KINDS} OR (i.kind = 'dwell' AND i.value >= ?))`;
  const within = (kinds: string, at: string): string =>
    `EXISTS (SELECT 1 FROM interactions i WHERE i.status_id = x.status_id AND ${kinds}
                AND i.at >= ${at} AND i.at < ${at} + ${LEARNING_WINDOW})`;
  // Posts acted on before they were ranked say nothing: acted on already, they are not again.
  const fresh = (at: string): string =>
    `NOT EXISTS (SELECT 1 FROM interactions i WHERE i.status_id = x.status_id AND ${positive} AND i.at < ${at})`;
  await tx.run(
    `INSERT INTO learning_examples (taken_at, features, positive, viewed, model_version)
     SELECT x.taken_at, x.features, ${within(positive, 'x.taken_at')}, ${within("i.kind = 'view'", 'x.taken_at')},
            x.model_version
       FROM learning_snapshot x
      WHERE x.model_version IS NOT NULL AND ${fresh('x.taken_at')}`,
    [LONG_DWELL_MS, LONG_DWELL_MS],
  );
  // When the person's views are recorded, only the posts they looked at or acted on are learned
  // from (see `learnFromFeedback`): the rest of the ranking need not be kept.
  await tx.run(
    `DELETE FROM learning_examples WHERE taken_at = ? AND viewed = 0 AND positive = 0
        AND EXISTS (SELECT 1 FROM learning_examples WHERE taken_at = ? AND viewed = 1)`,
    [kept.at, kept.at],
  );
  // Served since the last time and a day old: the first serving of each post looked at.
  const from = Math.max(await readSetting(tx, 'learning_served_up_to'), now - LEARNING_MEMORY);
  const until = now - LEARNING_WINDOW;
  await tx.run(
    `INSERT INTO learning_examples (taken_at, features, positive, viewed, model_version)
     SELECT x.served_at, x.features, ${within(positive, 'x.served_at')}, 1, x.model_version
       FROM ranking_log x
      WHERE x.id IN (SELECT min(id) FROM ranking_log WHERE served_at >= ? AND served_at < ? GROUP BY status_id)
        AND x.features IS NOT NULL
        AND x.status_id NOT IN (SELECT status_id FROM learning_snapshot)
        AND ${within("i.kind = 'view'", 'x.served_at')}
        AND ${fresh('x.served_at')}`,
    [LONG_DWELL_MS, from, until, LONG_DWELL_MS],
  );
  await writeSetting(tx, 'learning_served_up_to', Math.max(until, from));
  await tx.run('DELETE FROM learning_snapshot');
  await tx.run('DELETE FROM learning_examples WHERE taken_at < ?', [now - LEARNING_MEMORY]);
  const rows = await tx.all<{ features: Uint8Array; positive: number; viewed: number }>(
    'SELECT features, positive, viewed FROM learning_examples WHERE model_version = ?',
    [MODEL_VERSION],
  );
  const examples: Example[] = [];
  for (const row of rows) {
    const features = new Float32Array(row.features.slice().buffer);
    if (features.length === FEATURE_COUNT)
      examples.push({ features, offset: 0, positive: row.positive === 1, viewed: row.viewed === 1 });
  }
  const learned = learnFromFeedback(settings, examples);
  if (learned !== settings) await writeSetting(tx, 'ranking', learned);
  return learned;
}

/** Keeps a ranking's candidates and features to learn from a day later, unless one is kept already. */
async function keepForLearning(
  tx: Tx,
  ranking: Ranking,
  candidates: readonly Candidate[],
  now: number,
): Promise<void> {
  if (await tx.get('SELECT 1 FROM learning_snapshot LIMIT 1')) return;
  const rows: SqlValue[] = [];
  const write = async (): Promise<void> => {
    if (rows.length === 0) return;
    const count = rows.length / 4;
    await tx.run(
      `INSERT INTO learning_snapshot (status_id, taken_at, features, model_version)
       VALUES ${Array.from({ length: count }, () => '(?, ?, ?, ?)').join(', ')}`,
      rows.splice(0),
    );
  };
  for (const c of ranking.order) {
    const features = ranking.features.slice(c * FEATURE_COUNT, (c + 1) * FEATURE_COUNT);
    rows.push(candidates[c]!.id, now, new Uint8Array(features.buffer), MODEL_VERSION);
    if (rows.length === 4 * 300) await write();
  }
  await write();
}

/**
 * Ranks every candidate and writes the feed from position 1. Called when the reader asks for the
 * new posts, when the feed has never been ranked, and after a settings change.
 */
export async function refreshFeed(
  tx: Tx,
  memory: RankingMemory,
  now: number,
  options: { learn?: boolean } = {},
): Promise<number> {
  const settings =
    options.learn === false ? await readSetting(tx, 'ranking') : await learnFromDayOld(tx, now);
  const model = await loadPersonModel(tx, memory, now);
  const candidates = await loadCandidates(tx, memory, now);
  const ranking = rankCandidates(model, candidates, memory.index, settings, now);
  await tx.run(
    'UPDATE feed SET position = NULL, shown_at = NULL, features = NULL WHERE position IS NOT NULL',
  );
  // Written a hundred rows to a statement: one statement a post costs more than the ranking.
  const rows: SqlValue[] = [];
  const write = async (): Promise<void> => {
    const count = rows.length / 8;
    if (count === 0) return;
    await tx.run(
      `INSERT INTO feed (status_id, score, ranked_at, position, reason, subject, contributions, features)
       VALUES ${Array.from({ length: count }, () => '(?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}
       ON CONFLICT (status_id) DO UPDATE SET score = excluded.score, ranked_at = excluded.ranked_at,
         position = excluded.position, reason = excluded.reason, subject = excluded.subject,
         contributions = excluded.contributions, features = excluded.features, shown_at = NULL`,
      rows.splice(0),
    );
  };
  let position = 0;
  for (const c of ranking.order) {
    const explanation = explainRanked(ranking, candidates, c, model, now);
    const features = ranking.features.slice(c * FEATURE_COUNT, (c + 1) * FEATURE_COUNT);
    rows.push(
      candidates[c]!.id,
      ranking.scores[c]!,
      now,
      ++position,
      explanation.reason,
      JSON.stringify(explanation.subject),
      JSON.stringify(explanation.contributions),
      new Uint8Array(features.buffer),
    );
    if (rows.length === 8 * 100) await write();
  }
  await write();
  // Posts that are no longer candidates leave the feed.
  await tx.run('DELETE FROM feed WHERE position IS NULL');
  if (settings.preset !== 'chronological') await keepForLearning(tx, ranking, candidates, now);
  await saveModelSnapshot(tx, memory, now);
  return position;
}

/** Re-ranks only the positions below the last one shown, keeping everything above in place. */
export async function rescoreUnshown(tx: Tx, memory: RankingMemory, now: number): Promise<void> {
  const shown = await tx.get<{ last: number | null }>(
    'SELECT max(position) AS last FROM feed WHERE shown_at IS NOT NULL',
  );
  const last = shown?.last ?? 0;
  const settings = await readSetting(tx, 'ranking');
  const model = await loadPersonModel(tx, memory, now);
  const waiting = new Set(
    (await tx.all<{ status_id: number }>('SELECT status_id FROM feed WHERE position > ?', [last])).map(
      (r) => r.status_id,
    ),
  );
  const all = await loadCandidates(tx, memory, now);
  const candidates = all.filter((c) => waiting.has(c.id));
  const above = await tx.all<{ status_id: number }>(
    'SELECT status_id FROM feed WHERE position <= ? AND position IS NOT NULL ORDER BY position DESC LIMIT 20',
    [last],
  );
  const byId = new Map(all.map((c) => [c.id, c]));
  const preceding = above.reverse().flatMap((r) => byId.get(r.status_id) ?? []);
  const ranking = rankCandidates(model, candidates, memory.index, settings, now, { preceding });
  await tx.run('UPDATE feed SET position = -position WHERE position > ?', [last]);
  let position = last;
  for (const c of ranking.order) {
    const explanation = explainRanked(ranking, candidates, c, model, now);
    await tx.run(
      `UPDATE feed SET position = ?, score = ?, reason = ?, subject = ?, contributions = ?, features = ?
        WHERE status_id = ?`,
      [
        ++position,
        ranking.scores[c]!,
        explanation.reason,
        JSON.stringify(explanation.subject),
        JSON.stringify(explanation.contributions),
        new Uint8Array(ranking.features.slice(c * FEATURE_COUNT, (c + 1) * FEATURE_COUNT).buffer),
        candidates[c]!.id,
      ],
    );
  }
  // Posts that are no longer candidates (muted since, deleted) leave the unshown part.
  await tx.run('DELETE FROM feed WHERE position < 0');
}

/** Records that a page of the feed was served: marks it shown and writes the ranking log. */
export async function logServedPage(
  tx: Tx,
  statusIds: readonly number[],
  pageId: string,
  now: number,
): Promise<void> {
  for (const statusId of statusIds) {
    await tx.run(
      `INSERT INTO ranking_log (served_at, page_id, position, status_id, score, contributions, reason, model_version, features)
       SELECT ?, ?, position, status_id, score, ifnull(contributions, '{}'), ifnull(reason, ''), ?, features
         FROM feed WHERE status_id = ? AND position IS NOT NULL`,
      [now, pageId, MODEL_VERSION, statusId],
    );
    await tx.run('UPDATE feed SET shown_at = ? WHERE status_id = ? AND shown_at IS NULL', [now, statusId]);
  }
}

/**
 * "More like this" / "less like this" on a post acts on its reason: an author, a hashtag or a
 * kind of content changes that affinity; any other reason changes that feature's weight.
 * The unshown part of the feed is re-scored at once.
 */
export async function feedbackOnReason(
  tx: Tx,
  memory: RankingMemory,
  input: ReasonFeedback,
  now: number,
): Promise<void> {
  const row = await tx.get<{ subject: string | null }>('SELECT subject FROM feed WHERE status_id = ?', [
    input.statusId,
  ]);
  if (!row) throw new EngineError('not_found', `Post ${input.statusId} is not in the ranked feed.`);
  const subject = row.subject ? (JSON.parse(row.subject) as ReasonSubject) : { feature: 'recency' as const };
  const kind = input.direction === 'more' ? 'more_like_this' : 'less_like_this';
  const other = input.direction === 'more' ? 'less_like_this' : 'more_like_this';
  await tx.run(
    `UPDATE interactions SET undone_at = ? WHERE status_id = ? AND kind = ? AND undone_at IS NULL AND account_id IS NULL`,
    [now, input.statusId, other],
  );
  if (subject.feature === 'author' || subject.feature === 'tags' || subject.feature === 'content') {
    await tx.run(
      `INSERT INTO interactions (account_id, status_id, kind, at, value, context) VALUES (NULL, ?, ?, ?, 1, ?)
       ON CONFLICT DO NOTHING`,
      [
        input.statusId,
        kind,
        now,
        JSON.stringify(
          subject.feature === 'tags' ? { feature: 'tags', tag: subject.tag } : { feature: subject.feature },
        ),
      ],
    );
  } else {
    const settings = await readSetting(tx, 'ranking');
    const index = FEATURES.indexOf(subject.feature);
    const current = priorWeights(settings)[index]!;
    const step = Math.max(0.25, Math.abs(current) * 0.5);
    const manual = {
      ...settings.manual,
      [subject.feature]: current + (input.direction === 'more' ? step : -step),
    };
    await writeSetting(tx, 'ranking', { ...settings, manual });
  }
  await rescoreUnshown(tx, memory, now);
}

export async function rankingSettingsView(tx: Tx): Promise<RankingSettingsView> {
  const settings = await readSetting(tx, 'ranking');
  const prior = priorWeights(settings);
  return {
    preset: settings.preset,
    learning: settings.learning,
    discoveryShare: settings.discoveryShare,
    examples: settings.examples,
    features: FEATURES.map((feature, i) => ({
      feature,
      prior: round(prior[i]!),
      manual: settings.manual[feature] !== undefined,
      learned: round(settings.learned[feature] ?? 0),
      weight: round(prior[i]! + (settings.preset === 'chronological' ? 0 : (settings.learned[feature] ?? 0))),
    })),
  };
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

export interface SettingsPatch {
  preset?: RankingSettings['preset'];
  weights?: Partial<Record<Feature, number | null>>;
  learning?: boolean;
  resetLearned?: boolean;
  discoveryShare?: number;
}

/** Applies a patch of the person's ranking settings (as parsed at the worker's edge, src-shared/renderer-api-schemas.ts). */
export async function updateRankingSettings(tx: Tx, patch: SettingsPatch): Promise<RankingSettings> {
  let settings = await readSetting(tx, 'ranking');
  if (patch.preset !== undefined) {
    settings = {
      ...settings,
      preset: patch.preset,
      manual: {},
      discoveryShare: PRESET_DISCOVERY_SHARE[patch.preset],
    };
  }
  if (patch.weights) {
    const manual = { ...settings.manual };
    for (const [feature, weight] of Object.entries(patch.weights)) {
      if (weight === null) delete manual[feature as Feature];
      else if (weight !== undefined) manual[feature as Feature] = weight;
    }
    settings = { ...settings, manual };
  }
  if (patch.learning !== undefined) settings = { ...settings, learning: patch.learning };
  if (patch.resetLearned) {
    // Starting over: what was kept to learn from goes too, or the next day would learn it back.
    settings = { ...settings, learned: {}, examples: 0 };
    await tx.run('DELETE FROM learning_examples');
    await tx.run('DELETE FROM learning_snapshot');
    const served = await tx.get<{ last: number | null }>('SELECT max(served_at) AS last FROM ranking_log');
    await writeSetting(tx, 'learning_served_up_to', served?.last == null ? 0 : served.last + 1);
  }
  if (patch.discoveryShare !== undefined) settings = { ...settings, discoveryShare: patch.discoveryShare };
  await writeSetting(tx, 'ranking', settings);
  return settings;
}
