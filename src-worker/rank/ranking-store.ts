/**
 * The ranker next to the database: embedding stored posts in the background, building the person
 * model from their interactions, gathering candidates, and writing the ranked feed. The vectors and
 * the model are held in memory between calls (`RankingMemory`) and rebuilt when what they were
 * built from changes.
 */
import { htmlToText } from '../ingest/html-text';
import { storedText } from '../store/packed-text';
import type { SqlValue, Tx } from '../db/database';
import {
  DocumentFrequencies,
  EMBEDDING_DIMS,
  HashedNgramEmbedder,
  decodeVector,
  encodeQuantized,
  idfGeneration,
  quantize,
  type EmbedInput,
  HASHGRAM_VERSION,
} from './embedder';
import type { Candidate, CandidateSource } from './features';
import { PersonModel, type FeedbackKind, type PersonModelSnapshot } from './person-model';
import { VectorIndex } from './vector-index';

const HOUR = 3600 * 1000;
/** How far back a ranking looks for candidates, and at most how many it ranks. */
export const RANKING_HORIZON = 72 * HOUR;
export const MAX_CANDIDATES = 10_000;
/** How much of the home timeline the person model weighs the person's acts against. */
export const SHOWN_WINDOW = 21 * 24 * HOUR;
/**
 * How far back the person model reads interactions: four half-lives of their 30-day decay, past
 * which an act counts for less than a sixteenth. (Retention folds older ones into affinities.)
 */
export const INTERACTION_WINDOW = 120 * 24 * HOUR;
/** Vectors held in memory are read again for the window's new place this often. */
const VECTOR_WINDOW_MOVES = 12 * HOUR;
/** The document frequency table's key: each version of the embedder's features counts its own. */
const EMBEDDER = HASHGRAM_VERSION;

export class RankingMemory {
  index = new VectorIndex();
  vectorsLoaded = false;
  /** When the vectors held were read: the window they cover ends then. */
  vectorsLoadedAt = 0;
  frequencies: DocumentFrequencies | null = null;
  model: PersonModel | null = null;
  /** What the cached model has taken in. */
  modelState: ModelState | null = null;
  /** The newest author the cached model has looked at. */
  authorsUpTo = 0;
  /** When the model in memory was saved, or taken up from a save; null when it has not been. */
  modelSavedAt: number | null = null;
  /** How many posts and vectors there were when background embedding last found nothing to do. */
  embeddedAt: string | null = null;
  /**
   * A pass of background embedding down the posts: it began below `above` and has got down to
   * `below`; posts above `above` came in since and go first.
   */
  embeddingPass: { above: number; below: number } | null = null;

  forget(): void {
    this.index = new VectorIndex();
    this.vectorsLoaded = false;
    this.frequencies = null;
    this.embeddedAt = null;
    this.embeddingPass = null;
    this.forgetModel();
  }

  /** The person model is built again at the next ranking (after whom they follow changed). */
  forgetModel(): void {
    this.model = null;
    this.modelState = null;
    this.modelSavedAt = null;
  }
}

// ---- Embeddings -----------------------------------------------------------------------------

interface TextRow {
  id: number;
  content_html: string;
  content_text: string;
  content_packed: Uint8Array | null;
  spoiler_text: string;
  tags: string;
  mentions: string;
  card: string | null;
  language: string | null;
  /** Whether it has a vector already (of another model, when it is embedded again). */
  embedded?: number;
}

function embedInputOf(row: TextRow): EmbedInput {
  const card = row.card ? (JSON.parse(row.card) as { url?: string }) : null;
  return {
    // The plain text is not stored (but in rows stored before texts were packed).
    text: `${row.spoiler_text} ${row.content_text || htmlToText(storedText(row.content_packed, row.content_html))}`,
    tags: JSON.parse(row.tags) as string[],
    mentions: (JSON.parse(row.mentions) as { acct: string }[]).map((m) => m.acct),
    links: card?.url ? [card.url] : [],
    language: row.language,
  };
}

async function frequenciesOf(tx: Tx, memory: RankingMemory): Promise<DocumentFrequencies> {
  if (memory.frequencies) return memory.frequencies;
  const row = await tx.get<{ documents: number; frequencies: Uint8Array }>(
    'SELECT documents, frequencies FROM embedder_state WHERE model = ?',
    [EMBEDDER],
  );
  memory.frequencies = row
    ? new DocumentFrequencies(new Uint32Array(row.frequencies.slice().buffer), row.documents)
    : new DocumentFrequencies();
  return memory.frequencies;
}

/** The model id vectors are made with now. */
export async function currentModelId(tx: Tx, memory: RankingMemory): Promise<string> {
  const frequencies = await frequenciesOf(tx, memory);
  return new HashedNgramEmbedder(frequencies, idfGeneration(frequencies.documents)).modelId;
}

/**
 * Marks a post whose vector is of an earlier embedder version once this version has counted its
 * words: it is still to be embedded again, and is not counted twice.
 */
const COUNTED = `${HASHGRAM_VERSION}-counted`;

/**
 * Background embedding, one batch of up to `limit` posts a call; returns how many it handled, 0
 * when all are done.
 *
 * A new version of the embedder first counts the words of every post embedded before into its own
 * document frequencies (a batch a call), so that the posts embedded first, the newest, get the
 * weights of the whole corpus. Then posts without a vector of the current model are embedded,
 * newest first, against a snapshot of the frequencies; those never embedded before are counted in.
 * Vectors made again invalidate the person model, whose content taste was learned on the old ones.
 * On a failed batch the caller forgets `memory`, which this changes before commit.
 */
export async function embedPending(tx: Tx, memory: RankingMemory, now: number, limit = 500): Promise<number> {
  // Nothing to do until a post comes in or a vector goes: counting both is far cheaper than looking
  // for posts without a vector, which the worker would otherwise do every few seconds.
  const counts = await tx.get<{ newest: number | null; posts: number; vectors: number }>(
    `SELECT (SELECT max(id) FROM statuses) AS newest, (SELECT count(*) FROM statuses) AS posts,
            (SELECT count(*) FROM embeddings) AS vectors`,
  );
  const state = `${counts?.newest}:${counts?.posts}:${counts?.vectors}`;
  if (memory.embeddedAt === state) return 0;
  const frequencies = await frequenciesOf(tx, memory);
  // This version's model ids and its mark all begin with the version and '-' or '.': whatever
  // sorts outside them is another version's, found by two ranges of the model index.
  const uncounted = await tx.all<TextRow>(
    `SELECT s.id, s.content_html, s.content_text, s.content_packed, s.spoiler_text, s.tags, s.mentions, s.card, s.language
       FROM embeddings e JOIN statuses s ON s.id = e.status_id
      WHERE (e.model_id < ? OR e.model_id >= ?) AND s.deleted_at IS NULL
      LIMIT ?`,
    [`${HASHGRAM_VERSION}-`, `${HASHGRAM_VERSION}/`, limit],
  );
  for (const row of uncounted) {
    frequencies.observe(embedInputOf(row));
    await tx.run('UPDATE embeddings SET model_id = ? WHERE status_id = ?', [COUNTED, row.id]);
  }
  // Work done changes what is left to do (a new IDF generation, say) without changing the counts.
  memory.embeddedAt = null;
  if (uncounted.length > 0) {
    await saveFrequencies(tx, frequencies, now);
    return uncounted.length;
  }

  const snapshot = new DocumentFrequencies(frequencies.counts.slice(), frequencies.documents);
  const embedder = new HashedNgramEmbedder(snapshot, idfGeneration(snapshot.documents));
  // One pass goes down from the newest post, each batch on from where the last stopped (so that
  // embedding every post again does not walk past the posts done each time), then starts over.
  // Posts that came in since the pass began go first.
  const top = Number.MAX_SAFE_INTEGER;
  const between = (low: number, high: number, count: number): Promise<TextRow[]> =>
    tx.all<TextRow>(
      `SELECT s.id, s.content_html, s.content_text, s.content_packed, s.spoiler_text, s.tags, s.mentions, s.card, s.language,
              e.status_id IS NOT NULL AS embedded
         FROM statuses s LEFT JOIN embeddings e ON e.status_id = s.id
        WHERE s.id > ? AND s.id < ? AND s.deleted_at IS NULL
          AND (e.status_id IS NULL OR e.model_id <> ?)
        ORDER BY s.id DESC LIMIT ?`,
      [low, high, embedder.modelId, count],
    );
  const pending = async (above: number, below: number): Promise<TextRow[]> => {
    const newer = above < top ? await between(above, top, limit) : [];
    return newer.length < limit ? [...newer, ...(await between(-1, below, limit - newer.length))] : newer;
  };
  let pass = memory.embeddingPass;
  let rows = pass ? await pending(pass.above, pass.below) : [];
  if (!pass || rows.length === 0) {
    pass = null;
    rows = await pending(top, top);
  }
  if (rows.length < limit) memory.embeddingPass = null;
  else {
    const last = rows[rows.length - 1]!.id;
    // A batch of posts that came in since leaves the pass where it was.
    memory.embeddingPass = !pass
      ? { above: rows[0]!.id, below: last }
      : last > pass.above
        ? pass
        : { above: pass.above, below: last };
  }
  if (rows.length === 0) {
    memory.embeddedAt = state;
    return 0;
  }
  let replaced = false;
  // Written in the order of the table's key: posts newer than every vector so far are appended,
  // and the table's pages fill up instead of splitting in halves.
  for (const row of rows.toSorted((a, b) => a.id - b.id)) {
    const input = embedInputOf(row);
    if (row.embedded) replaced = true;
    else frequencies.observe(input);
    const vector = quantize(embedder.embed(input));
    await tx.run(
      `INSERT INTO embeddings (status_id, model_id, dims, vector, created_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (status_id) DO UPDATE SET model_id = excluded.model_id, dims = excluded.dims,
         vector = excluded.vector, created_at = excluded.created_at`,
      [row.id, embedder.modelId, EMBEDDING_DIMS, encodeQuantized(vector), now],
    );
    // Memory holds the candidates' vectors: a new post's is read when it is one (`loadCandidates`).
    if (memory.index.slotOf(row.id) >= 0) memory.index.set(row.id, vector);
  }
  await saveFrequencies(tx, frequencies, now);
  if (replaced) {
    memory.forgetModel();
    await forgetModelSnapshot(tx);
  }
  return rows.length;
}

async function saveFrequencies(tx: Tx, frequencies: DocumentFrequencies, now: number): Promise<void> {
  await tx.run(
    `INSERT INTO embedder_state (model, documents, frequencies, updated_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (model) DO UPDATE SET documents = excluded.documents,
       frequencies = excluded.frequencies, updated_at = excluded.updated_at`,
    [EMBEDDER, frequencies.documents, new Uint8Array(frequencies.counts.buffer), now],
  );
}

/**
 * The vectors ranking needs, held in memory: those of the candidates, the posts that entered a
 * timeline in the ranking's 72 hours, and of the newest posts whatever their age (a timeline quiet
 * for days still ranks its newest). Memory grows with that window, not with the history. As new
 * posts are embedded they join; twice a day the window moves on and the vectors are read again.
 * The person model reads what it learns from on its own (`readVectors`), and keeps copies of the
 * few it needs.
 */
export async function loadVectors(tx: Tx, memory: RankingMemory, now: number): Promise<VectorIndex> {
  if (memory.vectorsLoaded && now - memory.vectorsLoadedAt < VECTOR_WINDOW_MOVES) return memory.index;
  const index = new VectorIndex();
  await readVectors(
    tx,
    index,
    `SELECT status_id FROM timeline_entries INDEXED BY timeline_entries_by_entry WHERE entry_at >= ?
     UNION SELECT status_id FROM (SELECT status_id FROM timeline_entries INDEXED BY timeline_entries_by_entry
                                  ORDER BY entry_at DESC LIMIT ?)`,
    [now - RANKING_HORIZON, MIN_CANDIDATES],
  );
  memory.index = index;
  memory.vectorsLoaded = true;
  memory.vectorsLoadedAt = now;
  return index;
}

/**
 * Reads into `index` the vectors of the posts `ids` selects, straight from the database into the
 * index's memory, without an object per row. Vectors of an earlier version of the embedder are not
 * comparable with this one's: until they are made again, their posts have no content signal rather
 * than a wrong one.
 */
async function readVectors(tx: Tx, index: VectorIndex, ids: string, params: SqlValue[]): Promise<number> {
  return tx.scan(
    `SELECT status_id, dims, vector FROM embeddings WHERE model_id LIKE ? AND status_id IN (${ids})`,
    [`${HASHGRAM_VERSION}.%`, ...params],
    (row) => {
      if (row.number(1) !== EMBEDDING_DIMS) return;
      const id = row.number(0);
      const bytes = row.blob(2);
      if (index.setEncoded(id, bytes)) return;
      const vector = decodeVector(bytes, EMBEDDING_DIMS);
      if (vector) index.set(id, vector);
    },
  );
}

/**
 * Reads into memory the vectors of those of `ids` it does not hold: a post acted on long after it
 * was shown, a thread's old posts.
 */
export async function readVectorsOnDemand(tx: Tx, index: VectorIndex, ids: Iterable<number>): Promise<void> {
  const missing = [...new Set(ids)].filter((id) => index.slotOf(id) < 0);
  for (let at = 0; at < missing.length; at += 500) {
    const some = missing.slice(at, at + 500);
    await readVectors(tx, index, some.map(() => '?').join(', '), some);
  }
}

// ---- The person model -----------------------------------------------------------------------

interface InteractionRow {
  status_id: number;
  kind: string;
  at: number;
  value: number;
  context: string | null;
  author_id: number;
  tags: string;
  language: string | null;
  /** When the post first entered a home timeline (acts only): how deep the person read. */
  entered_at: number | null;
}

/** What "more/less like this" was about, as the interaction's context records it. */
export interface FeedbackContext {
  feature?: string;
  /** The hashtag a reason named: feedback on it leaves the post's other hashtags alone. */
  tag?: string;
}

/** What a cached person model has taken in. */
interface ModelState {
  /** The newest interaction id, and how many interactions were undone and deleted then. */
  newest: number;
  undone: number;
  deleted: number;
  /** The newest fetch time of a timeline entry, and the home entries taken in at that time. */
  fetchedUpTo: number;
  edge: Set<string>;
  /** The latest time it observed (never past the ranking's time). */
  observedUpTo: number;
}

/** New interactions and posts dated this long before the model's latest time still join it in place. */
const OUT_OF_ORDER_SLACK = HOUR;

interface ShownRow {
  status_id: number;
  author_id: number;
  /** The post's hashtags, as stored (JSON). */
  tags: string;
  language: string | null;
  entry_at: number;
  fetched_at: number;
  entry_key: string;
}

const SHOWN_COLUMNS = `e.status_id, s.author_id, s.tags, s.language, e.entry_at, e.fetched_at, e.account_id || ':' || e.remote_id AS entry_key
       FROM timeline_entries e JOIN statuses s ON s.id = e.status_id`;

/**
 * The person model, built from the person's acts of the last months, their views and the home
 * timeline of the last weeks, then kept in memory and brought up to date with what was added since
 * (while reading, every view adds an interaction; posts keep arriving); built again when an
 * interaction is undone or deleted, or when what was added is dated well before what the model has
 * seen (a backfill, a gap filled). It is saved now and then (`saveModelSnapshot`), and a cold start
 * takes it up from there, so that opening the app does not read the history again.
 */
export async function loadPersonModel(tx: Tx, memory: RankingMemory, now: number): Promise<PersonModel> {
  const key = await tx.get<{
    newest: number | null;
    undone: number;
    deleted: number;
    fetched: number | null;
  }>(
    `SELECT (SELECT max(id) FROM interactions) AS newest,
            (SELECT count(*) FROM interactions INDEXED BY interactions_undone WHERE undone_at IS NOT NULL) AS undone,
            (SELECT ifnull(max(n), 0) FROM interaction_deletions) AS deleted,
            (SELECT max(fetched_at) FROM timeline_entries) AS fetched`,
  );
  const newest = key?.newest ?? 0;
  const undone = key?.undone ?? 0;
  const deleted = key?.deleted ?? 0;
  const index = await loadVectors(tx, memory, now);
  if (!memory.model) await restoreModelSnapshot(tx, memory);
  const cached = memory.model ? memory.modelState : null;
  if (memory.model && cached && cached.undone === undone && cached.deleted === deleted) {
    const rows = await interactionRows(tx, cached.newest);
    const shown = (
      await tx.all<ShownRow>(
        `SELECT e.status_id, s.author_id, s.tags, s.language, e.entry_at, e.fetched_at, e.account_id || ':' || e.remote_id AS entry_key
           FROM timeline_entries e INDEXED BY timeline_entries_by_fetch JOIN statuses s ON s.id = e.status_id
          WHERE e.fetched_at >= ? AND e.account_id IN (SELECT id FROM accounts) AND e.timeline = 'home'
          ORDER BY e.entry_at`,
        [cached.fetchedUpTo],
      )
    ).filter((row) => !cached.edge.has(row.entry_key));
    const earliest = Math.min(rows[0]?.at ?? Infinity, shown[0]?.entry_at ?? Infinity);
    if (earliest >= cached.observedUpTo - OUT_OF_ORDER_SLACK) {
      await catchUpPersonModel(tx, memory, memory.model);
      await readVectorsOnDemand(tx, index, [
        ...rows.filter((row) => row.kind !== 'view').map((row) => row.status_id),
        ...shown.map((row) => row.status_id),
      ]);
      const observedUpTo = observe(memory.model, index, rows, shown);
      memory.modelState = {
        newest: Math.max(newest, cached.newest),
        undone,
        deleted,
        ...fetchEdge(shown, cached),
        observedUpTo: Math.min(now, Math.max(cached.observedUpTo, observedUpTo)),
      };
      return memory.model;
    }
  }
  const model = new PersonModel();
  // What retention folded into affinities before deleting old interactions still counts.
  for (const row of await tx.all<{ author_id: number; folded_weight: number; ref_at: number }>(
    'SELECT author_id, folded_weight, ref_at FROM author_affinities WHERE folded_weight <> 0',
  )) {
    const taste = model.author(row.author_id);
    (row.folded_weight > 0 ? taste.positive : taste.negative).add(Math.abs(row.folded_weight), row.ref_at);
  }
  // Whom the person follows, before anything is observed: their rates are kept apart from strangers'.
  memory.authorsUpTo = (await tx.get<{ id: number | null }>('SELECT max(id) AS id FROM authors'))?.id ?? 0;
  for (const row of await tx.all<{ id: number }>(
    'SELECT DISTINCT a.id FROM authors a JOIN account_follows f ON f.acct = a.acct WHERE a.id <= ?',
    [memory.authorsUpTo],
  ))
    model.follows.add(row.id);
  await loadFollowedTags(tx, model);
  // What entered the home timeline over the last weeks: how loud each author is, and what the
  // content taste model weighs the person's positives against.
  const shown = await tx.all<ShownRow>(
    `SELECT ${SHOWN_COLUMNS}
      WHERE e.account_id IN (SELECT id FROM accounts) AND e.timeline = 'home' AND e.entry_at >= ?
      ORDER BY e.entry_at`,
    [now - SHOWN_WINDOW],
  );
  // Acts count for months, views (like the timeline they are rated against) for weeks.
  const interactions = await interactionRows(tx, 0, now - INTERACTION_WINDOW, now - SHOWN_WINDOW);
  // The vectors it learns from, read for the build alone: memory holds the candidates'.
  const vectors = new VectorIndex();
  await readVectors(
    tx,
    vectors,
    `SELECT status_id FROM timeline_entries INDEXED BY timeline_entries_by_entry WHERE entry_at >= ? AND timeline = 'home'
     UNION SELECT status_id FROM interactions INDEXED BY interactions_by_time WHERE at >= ? AND kind <> 'view'`,
    [now - SHOWN_WINDOW, now - INTERACTION_WINDOW],
  );
  const observedUpTo = observe(model, vectors, interactions, shown);
  // Entries fetched later join in place; those fetched at the newest time so far are known by key.
  const fetchedUpTo = key?.fetched ?? 0;
  const edge = await tx.all<{ entry_key: string }>(
    `SELECT e.account_id || ':' || e.remote_id AS entry_key FROM timeline_entries e
      WHERE e.fetched_at = ? AND e.timeline = 'home'`,
    [fetchedUpTo],
  );
  memory.model = model;
  memory.modelSavedAt = null;
  memory.modelState = {
    newest,
    undone,
    deleted,
    fetchedUpTo,
    edge: new Set(edge.map((row) => row.entry_key)),
    observedUpTo: Math.min(now, observedUpTo),
  };
  return model;
}

/** A snapshot is saved at most this often while the model is kept up to date. */
const SNAPSHOT_EVERY = 30 * 60 * 1000;

interface SavedModel {
  state: Omit<ModelState, 'edge'> & { edge: string[] };
  authorsUpTo: number;
  model: PersonModelSnapshot;
}

/**
 * Saves the person model in memory with what it has taken in, when it was built afresh or the last
 * save is half an hour old. Anything that makes the model wrong and is not seen by what it has
 * taken in (whom the person follows, the accounts, posts deleted, vectors made again) deletes the
 * snapshot in the same transaction (`forgetModelSnapshot`).
 */
export async function saveModelSnapshot(tx: Tx, memory: RankingMemory, now: number): Promise<boolean> {
  const { model, modelState } = memory;
  if (!model || !modelState) return false;
  if (memory.modelSavedAt !== null && now - memory.modelSavedAt < SNAPSHOT_EVERY) return false;
  const saved: SavedModel = {
    state: { ...modelState, edge: [...modelState.edge] },
    authorsUpTo: memory.authorsUpTo,
    model: model.toSnapshot(now),
  };
  await tx.run(
    `INSERT INTO person_model_snapshot (id, state, saved_at) VALUES (1, ?, ?)
     ON CONFLICT (id) DO UPDATE SET state = excluded.state, saved_at = excluded.saved_at`,
    [JSON.stringify(saved), now],
  );
  memory.modelSavedAt = now;
  return true;
}

/**
 * Deletes the saved model; the model in memory goes when this commits (the ranking memory hears
 * the snapshot deleted). A row is deleted even when none was saved, so that it always hears.
 */
export async function forgetModelSnapshot(tx: Tx): Promise<void> {
  await tx.run("INSERT OR IGNORE INTO person_model_snapshot (id, state, saved_at) VALUES (1, '', 0)");
  await tx.run('DELETE FROM person_model_snapshot');
}

/** Takes up the saved model, if there is one; one that cannot be read is built afresh instead. */
async function restoreModelSnapshot(tx: Tx, memory: RankingMemory): Promise<void> {
  const row = await tx.get<{ state: string; saved_at: number }>(
    'SELECT state, saved_at FROM person_model_snapshot WHERE id = 1',
  );
  if (!row) return;
  try {
    const saved = JSON.parse(row.state) as SavedModel;
    const model = PersonModel.fromSnapshot(saved.model);
    memory.model = model;
    memory.modelState = { ...saved.state, edge: new Set(saved.state.edge) };
    memory.authorsUpTo = saved.authorsUpTo;
    memory.modelSavedAt = row.saved_at;
  } catch (error) {
    console.warn('The saved person model could not be read; it is built again.', error);
    memory.forgetModel();
  }
}

/** The newest fetch time after taking in `shown`, and which home entries were fetched then. */
function fetchEdge(
  shown: readonly ShownRow[],
  before: { fetchedUpTo: number; edge: Set<string> },
): { fetchedUpTo: number; edge: Set<string> } {
  let fetchedUpTo = before.fetchedUpTo;
  for (const row of shown) fetchedUpTo = Math.max(fetchedUpTo, row.fetched_at);
  const edge = fetchedUpTo === before.fetchedUpTo ? new Set(before.edge) : new Set<string>();
  for (const row of shown) if (row.fetched_at === fetchedUpTo) edge.add(row.entry_key);
  return { fetchedUpTo, edge };
}

/**
 * Interactions after `afterId` (catching up: found by id), or, for a build, acts since `since` and
 * views since `viewsSince` (found by time).
 */
function interactionRows(
  tx: Tx,
  afterId: number,
  since?: number,
  viewsSince = since,
): Promise<InteractionRow[]> {
  const columns = `i.status_id, i.kind, i.at, i.value, i.context, s.author_id, s.tags, s.language,
            CASE WHEN i.kind IN ('favourite', 'boost', 'reply', 'bookmark') THEN
              (SELECT min(e.entry_at) FROM timeline_entries e WHERE e.status_id = i.status_id AND e.timeline = 'home')
            END AS entered_at`;
  // Few since the last look: sorted here, so that SQLite finds them by id, not by a walk in time.
  return since === undefined
    ? tx
        .all<InteractionRow>(
          `SELECT ${columns} FROM interactions i JOIN statuses s ON s.id = i.status_id
            WHERE i.id > ? AND i.undone_at IS NULL ORDER BY i.id`,
          [afterId],
        )
        .then((rows) => rows.sort((a, b) => a.at - b.at))
    : tx.all<InteractionRow>(
        `SELECT ${columns} FROM interactions i INDEXED BY interactions_by_time JOIN statuses s ON s.id = i.status_id
          WHERE i.at >= ? AND (i.kind <> 'view' OR i.at >= ?) AND i.undone_at IS NULL ORDER BY i.at`,
        [since, viewsSince ?? since],
      );
}

/**
 * Feeds the model interactions and home timeline entries, both in time order, as they happened
 * (the taste model learns online). Returns the latest time observed.
 */
function observe(
  model: PersonModel,
  index: VectorIndex,
  rows: readonly InteractionRow[],
  shown: readonly ShownRow[],
): number {
  const vector = new Float32Array(index.dims);
  let next = 0;
  for (const row of rows) {
    for (; next < shown.length && shown[next]!.entry_at <= row.at; next++)
      observeShown(model, index, shown[next]!, vector);
    if (row.kind === 'view') {
      model.observeSeen(row.status_id, row.at, row.author_id, JSON.parse(row.tags) as string[], row.language);
      continue;
    }
    const slot = index.slotOf(row.status_id);
    const context = row.context ? (JSON.parse(row.context) as FeedbackContext) : {};
    const feature =
      row.kind === 'more_like_this' || row.kind === 'less_like_this' ? context.feature : undefined;
    // Feedback on a named reason acts on that reason only.
    model.observeFeedback(
      row.kind as FeedbackKind,
      {
        id: row.status_id,
        authorId: feature === undefined || feature === 'author' ? row.author_id : -1,
        tags:
          feature === 'tags' && context.tag
            ? [context.tag]
            : feature === undefined || feature === 'tags'
              ? (JSON.parse(row.tags) as string[])
              : [],
        language: feature === undefined ? row.language : null,
        inReplyToId: null,
        vector: (feature === undefined || feature === 'content') && slot >= 0 ? index.vector(slot) : null,
      },
      row.at,
      row.value,
      row.entered_at ?? undefined,
    );
  }
  for (; next < shown.length; next++) observeShown(model, index, shown[next]!, vector);
  return Math.max(rows[rows.length - 1]?.at ?? -Infinity, shown[shown.length - 1]?.entry_at ?? -Infinity);
}

/**
 * Takes into a cached model who arrived since it was built: authors the person follows whose
 * first post just came in, and hashtags newly followed.
 */
async function catchUpPersonModel(tx: Tx, memory: RankingMemory, model: PersonModel): Promise<void> {
  const authors = await tx.all<{ id: number; followed: number }>(
    `SELECT a.id, EXISTS (SELECT 1 FROM account_follows f WHERE f.acct = a.acct) AS followed
       FROM authors a WHERE a.id > ? ORDER BY a.id`,
    [memory.authorsUpTo],
  );
  for (const author of authors) if (author.followed) model.follows.add(author.id);
  await loadFollowedTags(tx, model);
  if (authors.length > 0) memory.authorsUpTo = authors[authors.length - 1]!.id;
}

/** The hashtags the person follows: those their accounts sync. */
async function loadFollowedTags(tx: Tx, model: PersonModel): Promise<void> {
  const rows = await tx.all<{ name: string }>(
    "SELECT DISTINCT substr(source, 5) AS name FROM sync_cursors WHERE source LIKE 'tag:%'",
  );
  for (const row of rows) model.followedTags.add(row.name.toLowerCase());
}

function observeShown(model: PersonModel, index: VectorIndex, row: ShownRow, scratch: Float32Array): void {
  const slot = index.slotOf(row.status_id);
  model.observeShown(
    row.author_id,
    row.entry_at,
    slot >= 0 ? index.vectorInto(slot, scratch) : null,
    row.tags === '[]' ? [] : (JSON.parse(row.tags) as string[]),
    row.language,
  );
}

// ---- Candidates -----------------------------------------------------------------------------

interface CandidateRow {
  id: number;
  author_id: number;
  acct: string;
  created_at: number;
  entered_at: number;
  language: string | null;
  tags: string;
  favourites_count: number;
  reblogs_count: number;
  replies_count: number;
  counts_at: number;
  followers_count: number;
  boosters: string | null;
  mentions_me: number;
  in_thread: number;
  sources: string;
}

function sourceOf(timelines: string): CandidateSource {
  const names = timelines.split(',');
  if (names.includes('home')) return 'home';
  if (names.some((n) => n.startsWith('list:'))) return 'list';
  if (names.some((n) => n.startsWith('tag:'))) return 'tag';
  return 'trend';
}

/**
 * The posts a ranking considers: what entered the person's home timelines, lists, followed hashtags
 * and trends in the horizon, without deleted posts, muted or blocked authors, posts a server filter
 * hides, and, from discovery sources, authors who asked not to be indexed (#nobot, #noindex).
 */
export async function loadCandidates(tx: Tx, memory: RankingMemory, now: number): Promise<Candidate[]> {
  const index = await loadVectors(tx, memory, now);
  let rows = await candidateRows(tx, now - RANKING_HORIZON, MAX_CANDIDATES, now);
  // A quiet timeline, or one not opened for days: rank the newest posts there are.
  if (rows.length < MIN_CANDIDATES) rows = await candidateRows(tx, 0, MIN_CANDIDATES, now);
  // Posts that came into the window since the vectors were read (embedded since, an old post
  // boosted now): read now.
  await readVectorsOnDemand(
    tx,
    index,
    rows.map((row) => row.id),
  );
  return rows.map((row) => ({
    id: row.id,
    authorId: row.author_id,
    authorAcct: row.acct,
    createdAt: row.created_at,
    enteredAt: row.entered_at,
    language: row.language,
    tags: JSON.parse(row.tags) as string[],
    favourites: row.favourites_count,
    reblogs: row.reblogs_count,
    replies: row.replies_count,
    countsAt: row.counts_at,
    authorFollowers: row.followers_count,
    boosterIds: row.boosters ? row.boosters.split(',').map(Number) : [],
    mentionsMe: row.mentions_me === 1,
    inThread: row.in_thread === 1,
    inReplyToId: null,
    source: sourceOf(row.sources),
    vectorSlot: index.slotOf(row.id),
    collaborative: 0,
  }));
}

const MIN_CANDIDATES = 400;

/**
 * The newest `limit` posts that entered a ranked timeline since `since` (`entries`, one row per
 * post) and what keeps a post out of the ranking (`CANDIDATE_RULES`, over `x`, `s` and `a`):
 * written once for loading the candidates and for counting them.
 */
const CANDIDATE_ENTRIES = `entries AS (
       SELECT e.status_id, max(e.entry_at) AS entered_at, group_concat(DISTINCT e.timeline) AS sources,
              group_concat(DISTINCT e.boosted_by_author_id) AS boosters, max(e.timeline = 'home') AS from_home
         FROM timeline_entries e INDEXED BY timeline_entries_by_entry
        WHERE e.entry_at >= ? AND e.deleted_at IS NULL
          AND (e.timeline IN ('home', 'public', 'local', 'trends') OR e.timeline LIKE 'list:%' OR e.timeline LIKE 'tag:%')
        GROUP BY e.status_id ORDER BY entered_at DESC LIMIT ?)`;
const CANDIDATE_RULES = `s.deleted_at IS NULL
        AND NOT EXISTS (SELECT 1 FROM account_relations m WHERE m.acct = a.acct)
        AND NOT (a.noindex = 1 AND x.from_home = 0)
        AND NOT EXISTS (SELECT 1 FROM status_refs r INDEXED BY status_refs_filtered, json_each(r.filtered) j
              WHERE r.status_id = s.id AND r.filtered IS NOT NULL
                AND j.value ->> '$.filter.filter_action' = 'hide'
                AND ifnull(j.value ->> '$.filter.expires_at', '9999') > ?
                AND EXISTS (SELECT 1 FROM json_each(j.value -> '$.filter.context') c WHERE c.value = 'home'))`;

function candidateRows(tx: Tx, since: number, limit: number, now: number): Promise<CandidateRow[]> {
  const nowIso = new Date(now).toISOString();
  return tx.all<CandidateRow>(
    `WITH ${CANDIDATE_ENTRIES},
     replied AS (
       SELECT DISTINCT me.instance, r.remote_id FROM interactions i INDEXED BY interactions_replies
         JOIN status_refs r ON r.status_id = i.status_id JOIN accounts me ON me.id = r.account_id
        WHERE i.kind = 'reply' AND i.undone_at IS NULL)
     SELECT s.id, s.author_id, a.acct, s.created_at, x.entered_at, s.language, s.tags,
            s.favourites_count, s.reblogs_count, s.replies_count, s.counts_at, a.followers_count,
            x.boosters, x.sources,
            EXISTS (SELECT 1 FROM accounts me, json_each(s.mentions) m
                     WHERE m.value ->> '$.acct' = me.acct
                        OR m.value ->> '$.url' = 'https://' || me.instance || '/@' || substr(me.acct, 1, instr(me.acct, '@') - 1)
                        -- A bare acct is local to the server that showed the post: one of this account's.
                        OR (m.value ->> '$.acct' = substr(me.acct, 1, instr(me.acct, '@') - 1)
                            AND EXISTS (SELECT 1 FROM status_refs r WHERE r.status_id = s.id AND r.account_id = me.id)))
              AS mentions_me,
            (s.reply_instance, s.in_reply_to_remote_id) IN replied AS in_thread
       FROM entries x JOIN statuses s ON s.id = x.status_id JOIN authors a ON a.id = s.author_id
      WHERE ${CANDIDATE_RULES}`,
    [since, limit, nowIso],
  );
}

/**
 * Posts that arrived after the last ranking and wait behind "new posts": how many of the candidates
 * `loadCandidates` would load are not in the ranked feed yet, counted without loading them (the
 * renderer asks every few seconds).
 */
export async function countNewPosts(tx: Tx, now: number): Promise<number> {
  const count = async (since: number, limit: number): Promise<{ all: number; unplaced: number }> => {
    const row = await tx.get<{ all: number; unplaced: number | null }>(
      `WITH ${CANDIDATE_ENTRIES}
       SELECT count(*) AS "all",
              sum(NOT EXISTS (SELECT 1 FROM feed f WHERE f.status_id = s.id AND f.position IS NOT NULL)) AS unplaced
         FROM entries x JOIN statuses s ON s.id = x.status_id JOIN authors a ON a.id = s.author_id
        WHERE ${CANDIDATE_RULES}`,
      [since, limit, new Date(now).toISOString()],
    );
    return { all: row?.all ?? 0, unplaced: row?.unplaced ?? 0 };
  };
  const recent = await count(now - RANKING_HORIZON, MAX_CANDIDATES);
  return recent.all < MIN_CANDIDATES ? (await count(0, MIN_CANDIDATES)).unplaced : recent.unplaced;
}
