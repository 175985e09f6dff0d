/**
 * Mastodon actions (favourite, boost, bookmark, reply and their undo) as the person takes them:
 * applied to the local copy at once, and queued in the outbox with an idempotency key until the
 * server has them. Queued in the same transaction as the local change, so neither survives a crash
 * without the other. A toggle and its undo both still waiting cancel out instead of being sent.
 */
import type { Tx } from '../db/database';
import { EngineError } from '../errors';
import { recordInteraction, undoInteraction } from './interactions';
import { applyDeletions } from './accounts';
import { getPrivacy } from './privacy';
import type {
  ActionInput,
  MastodonAction,
  OutboxItem,
  PublishInput,
  OutboxState,
  InteractionKind,
} from '../../src-shared/worker-api';

type Toggle = Exclude<MastodonAction, 'post' | 'reply' | 'delete' | 'vote' | 'edit'>;

const TOGGLES: Record<Toggle, { kind: InteractionKind; column: string; on: boolean }> = {
  favourite: { kind: 'favourite', column: 'favourited', on: true },
  unfavourite: { kind: 'favourite', column: 'favourited', on: false },
  reblog: { kind: 'boost', column: 'reblogged', on: true },
  unreblog: { kind: 'boost', column: 'reblogged', on: false },
  bookmark: { kind: 'bookmark', column: 'bookmarked', on: true },
  unbookmark: { kind: 'bookmark', column: 'bookmarked', on: false },
};

const OPPOSITE: Record<string, MastodonAction> = {
  favourite: 'unfavourite',
  unfavourite: 'favourite',
  reblog: 'unreblog',
  unreblog: 'reblog',
  bookmark: 'unbookmark',
  unbookmark: 'bookmark',
};

interface OutboxRow {
  id: number;
  account_id: number;
  action: MastodonAction;
  status_id: number | null;
  payload: string;
  idempotency_key: string;
  state: OutboxState;
  attempts: number;
  last_error: string | null;
  next_attempt_at: number;
  created_at: number;
}

export interface OutboxPayload {
  /** The post's id on the acting account's server. */
  remoteId: string | null;
  /** A reply's, a new post's or an edit's text and settings. */
  reply?: { text: string; spoilerText?: string; visibility?: string; language?: string | null };
  /** A vote's options, and the poll as it was before (put back if the server refuses). */
  vote?: { choices: number[]; before: string | null };
}

function toItem(row: OutboxRow): OutboxItem {
  const payload = JSON.parse(row.payload) as OutboxPayload;
  return {
    id: row.id,
    accountId: row.account_id,
    action: row.action,
    statusId: row.status_id,
    state: row.state,
    attempts: row.attempts,
    lastError: row.last_error,
    createdAt: row.created_at,
    remoteId: payload.remoteId,
    reply: payload.reply ?? null,
    choices: payload.vote?.choices ?? null,
  };
}

function randomKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** The post's count that a flag adds one to, as the server will count it once it hears. */
const COUNTED: Record<string, string> = { favourited: 'favourites_count', reblogged: 'reblogs_count' };

/**
 * Sets the account's flag on the post and, when that changes it, the post's count with it, so
 * that what is shown does not wait for the server; its answer brings the true count.
 */
async function setFlag(
  tx: Tx,
  accountId: number,
  statusId: number,
  column: string,
  on: boolean,
): Promise<void> {
  const was = await tx.get<{ flag: number | null }>(
    `SELECT ${column} AS flag FROM status_refs WHERE account_id = ? AND status_id = ?`,
    [accountId, statusId],
  );
  await tx.run(`UPDATE status_refs SET ${column} = ? WHERE account_id = ? AND status_id = ?`, [
    on ? 1 : 0,
    accountId,
    statusId,
  ]);
  const count = COUNTED[column];
  if (count && was && (was.flag === 1) !== on)
    await tx.run(`UPDATE statuses SET ${count} = max(0, ${count} + ?) WHERE id = ?`, [on ? 1 : -1, statusId]);
}

/**
 * Queues a new post. Nothing changes here until the server has it: its answer is stored as the
 * person's own post.
 */
export async function queueNewPost(tx: Tx, input: PublishInput, now: number): Promise<OutboxItem> {
  const account = await tx.get<{ id: number }>('SELECT id FROM accounts WHERE id = ?', [input.accountId]);
  if (!account) throw new EngineError('not_found', `No account with id ${input.accountId}.`);
  const payload: OutboxPayload = {
    remoteId: null,
    reply: {
      text: input.text,
      spoilerText: input.spoilerText || undefined,
      visibility: input.visibility,
      language: input.language ?? undefined,
    },
  };
  const result = await tx.run(
    `INSERT INTO outbox (account_id, action, status_id, payload, idempotency_key, state, attempts,
       next_attempt_at, created_at) VALUES (?, 'post', NULL, ?, ?, 'pending', 0, ?, ?)`,
    [input.accountId, JSON.stringify(payload), randomKey(), now, now],
  );
  const row = await tx.get<OutboxRow>('SELECT * FROM outbox WHERE id = ?', [result.lastInsertRowid]);
  return toItem(row!);
}

async function isOwnPost(tx: Tx, statusId: number, accountId: number): Promise<boolean> {
  const own = await tx.get<{ mine: number }>(
    `SELECT s.author_id = (SELECT au.id FROM authors au WHERE au.acct = a.acct) AS mine
       FROM statuses s, accounts a WHERE s.id = ? AND a.id = ?`,
    [statusId, accountId],
  );
  return own?.mine === 1;
}

/**
 * A vote shown at once: the poll as stored, with the person's choices and the counts they add.
 * Refused when the poll is closed, already answered, or the choices do not fit it.
 */
async function castVote(
  tx: Tx,
  statusId: number,
  choices: number[],
  now: number,
): Promise<OutboxPayload['vote']> {
  const row = await tx.get<{ poll: string | null }>('SELECT poll FROM statuses WHERE id = ?', [statusId]);
  const poll = row?.poll ? (JSON.parse(row.poll) as Record<string, unknown>) : null;
  const options = Array.isArray(poll?.options) ? (poll.options as Record<string, unknown>[]) : null;
  if (!poll || !options) throw new EngineError('invalid_input', 'This post has no poll.');
  const expiresAt = typeof poll.expires_at === 'string' ? Date.parse(poll.expires_at) : NaN;
  if (poll.expired === true || expiresAt <= now)
    throw new EngineError('invalid_input', 'This poll has ended.');
  if (poll.voted === true) throw new EngineError('invalid_input', 'You have already voted in this poll.');
  const unique = [...new Set(choices)];
  if (unique.length > 1 && poll.multiple !== true)
    throw new EngineError('invalid_input', 'This poll takes one choice.');
  if (unique.some((c) => c >= options.length))
    throw new EngineError('invalid_input', 'That option is not in the poll.');
  const count = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
  const voted = {
    ...poll,
    voted: true,
    own_votes: unique,
    votes_count: count(poll.votes_count) + unique.length,
    voters_count: typeof poll.voters_count === 'number' ? poll.voters_count + 1 : poll.voters_count,
    options: options.map((o, i) =>
      unique.includes(i) && typeof o.votes_count === 'number' ? { ...o, votes_count: o.votes_count + 1 } : o,
    ),
  };
  await tx.run('UPDATE statuses SET poll = ? WHERE id = ?', [JSON.stringify(voted), statusId]);
  return { choices: unique, before: row!.poll };
}

/**
 * Takes an action: the local change and its outbox row, in one transaction. The action's kind and
 * a reply's text were checked at the worker's edge (src-shared/renderer-api-schemas.ts).
 */
export async function performAction(
  tx: Tx,
  input: ActionInput,
  now: number,
  tombstoned?: (statusId: number) => void,
): Promise<OutboxItem | null> {
  const { accountId, statusId, action } = input;
  const account = await tx.get<{ state: string }>('SELECT state FROM accounts WHERE id = ?', [accountId]);
  if (!account) throw new EngineError('not_found', `No account with id ${accountId}.`);
  const ref = await tx.get<{ remote_id: string }>(
    `SELECT remote_id FROM status_refs WHERE account_id = ? AND status_id = ?
     ORDER BY favourited IS NULL, remote_id LIMIT 1`,
    [accountId, statusId],
  );
  if (!ref)
    throw new EngineError(
      'not_found',
      'This account has not seen that post: choose an account whose timeline holds it.',
    );
  let reply: OutboxPayload['reply'];
  let vote: OutboxPayload['vote'];
  if (action === 'delete') {
    if (!(await isOwnPost(tx, statusId, accountId)))
      throw new EngineError('invalid_input', 'Only your own posts can be deleted.');
    await applyDeletions(tx, accountId, [ref.remote_id], now, tombstoned);
  } else if (action === 'edit') {
    if (!(await isOwnPost(tx, statusId, accountId)))
      throw new EngineError('invalid_input', 'Only your own posts can be edited.');
    // Nothing changes here until the server has the edit: its answer is stored as the new text.
    reply = {
      text: input.edit?.text.trim() ?? '',
      spoilerText: input.edit?.spoilerText || undefined,
      language: input.edit?.language ?? undefined,
    };
  } else if (action === 'vote') {
    vote = await castVote(tx, statusId, input.choices ?? [], now);
  } else if (action === 'reply') {
    const text = input.reply?.text?.trim() ?? '';
    reply = { text, spoilerText: input.reply?.spoilerText || undefined, visibility: input.reply?.visibility };
    await recordInteraction(
      tx,
      { statusId, kind: 'reply', accountId, at: now },
      (await getPrivacy(tx)).level,
      now,
    );
  } else if (action === 'post') {
    throw new EngineError('invalid_input', 'A new post is published with actions.publish.');
  } else {
    const toggle = TOGGLES[action];
    await setFlag(tx, accountId, statusId, toggle.column, toggle.on);
    const interaction = { statusId, kind: toggle.kind, accountId, at: now };
    if (toggle.on) await recordInteraction(tx, interaction, (await getPrivacy(tx)).level, now);
    else await undoInteraction(tx, interaction, now);
    // The opposite, still waiting: both are dropped, the server never needs to hear of either.
    const waiting = await tx.get<{ id: number }>(
      `SELECT id FROM outbox WHERE account_id = ? AND status_id = ? AND action = ? AND state = 'pending'`,
      [accountId, statusId, OPPOSITE[action]!],
    );
    if (waiting) {
      await tx.run('DELETE FROM outbox WHERE id = ?', [waiting.id]);
      return null;
    }
  }
  const payload: OutboxPayload = { remoteId: ref.remote_id, reply, vote };
  const result = await tx.run(
    `INSERT INTO outbox (account_id, action, status_id, payload, idempotency_key, state, attempts,
       next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, 'pending', 0, ?, ?)`,
    [accountId, action, statusId, JSON.stringify(payload), randomKey(), now, now],
  );
  const row = await tx.get<OutboxRow>('SELECT * FROM outbox WHERE id = ?', [result.lastInsertRowid]);
  return toItem(row!);
}

export async function listOutbox(tx: Tx, states?: readonly OutboxState[]): Promise<OutboxItem[]> {
  const rows = await tx.all<OutboxRow>('SELECT * FROM outbox ORDER BY id');
  return rows.filter((r) => !states || states.includes(r.state)).map(toItem);
}

/**
 * The next action to send, marked "sending" (a crash leaves it so: it is sent again with the same
 * idempotency key, which the server recognises).
 */
export async function claimNextAction(
  tx: Tx,
  now: number,
): Promise<(OutboxItem & { idempotencyKey: string }) | null> {
  const row = await tx.get<OutboxRow>(
    `SELECT o.* FROM outbox o JOIN accounts a ON a.id = o.account_id
     WHERE o.state IN ('pending', 'sending') AND o.next_attempt_at <= ? AND a.state = 'active'
     ORDER BY o.id LIMIT 1`,
    [now],
  );
  if (!row) return null;
  await tx.run(`UPDATE outbox SET state = 'sending', attempts = attempts + 1 WHERE id = ?`, [row.id]);
  return {
    ...toItem({ ...row, state: 'sending', attempts: row.attempts + 1 }),
    idempotencyKey: row.idempotency_key,
  };
}

/** When the next pending action is due, or null when nothing waits. */
export async function nextDueAt(tx: Tx): Promise<number | null> {
  const row = await tx.get<{ at: number | null }>(
    `SELECT min(next_attempt_at) AS at FROM outbox WHERE state IN ('pending', 'sending')`,
  );
  return row?.at ?? null;
}

export async function markActionSent(tx: Tx, id: number): Promise<void> {
  await tx.run(`UPDATE outbox SET state = 'sent', last_error = NULL WHERE id = ?`, [id]);
}

/** The network failed: try again later. */
export async function postponeAction(tx: Tx, id: number, error: string, retryAt: number): Promise<void> {
  await tx.run(`UPDATE outbox SET state = 'pending', last_error = ?, next_attempt_at = ? WHERE id = ?`, [
    error,
    retryAt,
    id,
  ]);
}

/** The server refused: the local change is undone and the reason kept for the person to see. */
export async function failAction(tx: Tx, id: number, error: string, now: number): Promise<void> {
  const row = await tx.get<OutboxRow>('SELECT * FROM outbox WHERE id = ?', [id]);
  if (!row) return;
  await tx.run(`UPDATE outbox SET state = 'failed', last_error = ? WHERE id = ?`, [error, id]);
  await revertLocal(tx, row, now);
}

/** Undoes what taking an action changed locally. */
async function revertLocal(tx: Tx, row: OutboxRow, now: number): Promise<void> {
  if (row.status_id === null) return;
  // A reply that was refused was still meant: its interaction stays.
  if (row.action === 'reply' || row.action === 'post' || row.action === 'edit') return;
  if (row.action === 'vote') {
    const before = (JSON.parse(row.payload) as OutboxPayload).vote?.before;
    if (before !== undefined)
      await tx.run('UPDATE statuses SET poll = ? WHERE id = ?', [before, row.status_id]);
    return;
  }
  if (row.action === 'delete') {
    await tx.run('UPDATE statuses SET deleted_at = NULL WHERE id = ?', [row.status_id]);
    await tx.run('UPDATE timeline_entries SET deleted_at = NULL WHERE status_id = ? AND account_id = ?', [
      row.status_id,
      row.account_id,
    ]);
    return;
  }
  const toggle = TOGGLES[row.action];
  await setFlag(tx, row.account_id, row.status_id, toggle.column, !toggle.on);
  const interaction = { statusId: row.status_id, kind: toggle.kind, accountId: row.account_id, at: now };
  if (toggle.on) await undoInteraction(tx, interaction, now);
  else await recordInteraction(tx, interaction, (await getPrivacy(tx)).level, now);
}

/** Drops an action not yet tried, undoing its local change; false when it is too late. */
export async function cancelAction(tx: Tx, id: number, now: number): Promise<boolean> {
  // Once tried, its answer may have been lost: the server may already have it.
  const row = await tx.get<OutboxRow>(
    `SELECT * FROM outbox WHERE id = ? AND state = 'pending' AND attempts = 0`,
    [id],
  );
  if (!row) return false;
  await tx.run('DELETE FROM outbox WHERE id = ?', [id]);
  if (row.action === 'reply' && row.status_id !== null) {
    await tx.run(
      `UPDATE interactions SET undone_at = ? WHERE id = (SELECT max(id) FROM interactions
         WHERE account_id = ? AND status_id = ? AND kind = 'reply' AND undone_at IS NULL)`,
      [now, row.account_id, row.status_id],
    );
    return true;
  }
  await revertLocal(tx, row, now);
  return true;
}

type Visibility = PublishInput['visibility'];

/**
 * A refused action taken again, as the person asks: it leaves the refused ones and is taken anew,
 * its local change with it (a refusal undid it).
 */
export async function retryAction(
  tx: Tx,
  id: number,
  now: number,
  tombstoned?: (statusId: number) => void,
): Promise<OutboxItem | null> {
  const row = await tx.get<OutboxRow>(`SELECT * FROM outbox WHERE id = ? AND state = 'failed'`, [id]);
  if (!row) throw new EngineError('not_found', `No refused action with id ${id}.`);
  const taken = await takeAgain(tx, row, now, tombstoned);
  // Gone once its successor is queued (which so gets an id of its own).
  await tx.run('DELETE FROM outbox WHERE id = ?', [id]);
  return taken;
}

function takeAgain(
  tx: Tx,
  row: OutboxRow,
  now: number,
  tombstoned?: (statusId: number) => void,
): Promise<OutboxItem | null> {
  const { reply, vote } = JSON.parse(row.payload) as OutboxPayload;
  if (row.action === 'post' || row.status_id === null)
    return queueNewPost(
      tx,
      {
        accountId: row.account_id,
        text: reply?.text ?? '',
        spoilerText: reply?.spoilerText,
        visibility: reply?.visibility as Visibility,
        language: reply?.language ?? null,
      },
      now,
    );
  return performAction(
    tx,
    {
      accountId: row.account_id,
      statusId: row.status_id,
      action: row.action,
      ...(row.action === 'reply' && reply
        ? { reply: { ...reply, visibility: reply.visibility as Visibility } }
        : {}),
      ...(row.action === 'edit' && reply
        ? { edit: { text: reply.text, spoilerText: reply.spoilerText, language: reply.language } }
        : {}),
      ...(vote ? { choices: vote.choices } : {}),
    },
    now,
    tombstoned,
  );
}

/** Forgets a refused action (its local change was undone when it was refused). */
export async function dismissAction(tx: Tx, id: number): Promise<boolean> {
  const result = await tx.run(`DELETE FROM outbox WHERE id = ? AND state = 'failed'`, [id]);
  return result.changes > 0;
}
