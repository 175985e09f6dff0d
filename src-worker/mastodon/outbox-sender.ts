/**
 * Sends the outbox's actions to Mastodon, oldest first, each exactly once: every request carries
 * the action's idempotency key (Mastodon answers a repeated status post with the first one, and
 * favourite, boost and bookmark are idempotent by nature), so an action whose answer was lost, or
 * that was being sent when the app closed, is simply sent again. Network trouble postpones an
 * action with growing delays; a refusal (the post is gone, the reply too long…) undoes the local
 * change and keeps the server's reason for the person to see.
 */
import type { Engine } from '../engine';
import { claimNextAction, failAction, markActionSent, nextDueAt, postponeAction } from '../store/outbox';
import type { OutboxPayload } from '../store/outbox';
import { REFRESH, type OutboxItem } from '../../src-shared/worker-api';
import type { Clock } from './clock';
import { MastodonError, type MastodonHttp } from './http';

export interface OutboxSenderOptions {
  engine: Engine;
  /** The client for an account, or null when it cannot act (signed out). */
  httpFor: (accountId: number) => MastodonHttp | null;
  clock: Clock;
  ingest: (accountId: number, statuses: unknown[]) => Promise<unknown>;
}

export interface FlushResult {
  sent: number;
  failed: number;
  postponed: number;
}

export class OutboxSender {
  readonly #options: OutboxSenderOptions;
  #wake: (() => void) | undefined;

  constructor(options: OutboxSenderOptions) {
    this.#options = options;
  }

  /** Sends everything that is due now; what cannot go yet stays for later. */
  async flush(): Promise<FlushResult> {
    const result: FlushResult = { sent: 0, failed: 0, postponed: 0 };
    const { engine, clock } = this.#options;
    const postponedNow = new Set<number>();
    for (;;) {
      const item = await engine.write((tx) => claimNextAction(tx, clock.now()));
      if (!item || postponedNow.has(item.id)) {
        if (item)
          await engine.write((tx) => postponeAction(tx, item.id, item.lastError ?? '', clock.now() + 1000));
        break;
      }
      const http = this.#options.httpFor(item.accountId);
      const payload: OutboxPayload = {
        remoteId: item.remoteId,
        reply: item.reply ?? undefined,
        vote: item.choices ? { choices: item.choices, before: null } : undefined,
      };
      try {
        if (!http) throw new MastodonError('unauthorized', 'This account needs to sign in again.');
        const answer = await send(http, item, payload);
        await engine.write((tx) => markActionSent(tx, item.id));
        if (answer !== null) await this.#options.ingest(item.accountId, [answer]).catch(() => undefined);
        result.sent++;
      } catch (error) {
        const kind = error instanceof MastodonError ? error.kind : 'network';
        const message = error instanceof Error ? error.message : String(error);
        // Deleting what is already gone is done.
        if (item.action === 'delete' && kind === 'not_found') {
          await engine.write((tx) => markActionSent(tx, item.id));
          result.sent++;
          continue;
        }
        if (kind === 'not_found' || kind === 'forbidden' || kind === 'rejected' || kind === 'malformed') {
          await engine.write((tx, now) => failAction(tx, item.id, message, now));
          result.failed++;
        } else {
          const delay = Math.min(5 * 60_000, 2000 * 2 ** Math.min(item.attempts, 8));
          await engine.write((tx) => postponeAction(tx, item.id, message, clock.now() + delay));
          postponedNow.add(item.id);
          result.postponed++;
        }
      }
    }
    return result;
  }

  /** Wakes a running sender now (the network came back, or an action was just taken). */
  kick(): void {
    this.#wake?.();
  }

  /** Sends as actions become due until `signal` aborts. */
  async run(signal: AbortSignal): Promise<void> {
    const { engine, clock } = this.#options;
    while (!signal.aborted) {
      await this.flush();
      const due = await engine.read((tx) => nextDueAt(tx));
      const wait = due === null ? 60_000 : Math.max(250, due - clock.now());
      const woken = new AbortController();
      this.#wake = () => woken.abort();
      await clock.sleep(wait, AbortSignal.any([signal, woken.signal])).catch(() => undefined);
    }
  }
}

/**
 * Sends one action; the status the server answers with, to be stored (null for a deletion).
 * A vote goes to the poll's own id on the acting account's server, read from the post there, and
 * the post is stored with the poll the vote returned.
 */
async function send(
  http: MastodonHttp,
  item: OutboxItem & { idempotencyKey: string },
  payload: OutboxPayload,
): Promise<unknown> {
  const status = `/api/v1/statuses/${encodeURIComponent(payload.remoteId ?? '')}`;
  const interactive = { kind: 'interactive', maxRetries: 1 } as const;
  const idempotent = { 'Idempotency-Key': item.idempotencyKey };
  switch (item.action) {
    case 'post':
    case 'reply':
      return (
        await http.request({
          method: 'POST',
          path: '/api/v1/statuses',
          body: {
            status: payload.reply!.text,
            ...(item.action === 'reply' ? { in_reply_to_id: payload.remoteId } : {}),
            spoiler_text: payload.reply!.spoilerText ?? '',
            visibility: payload.reply!.visibility,
            ...(payload.reply!.language ? { language: payload.reply!.language } : {}),
          },
          headers: idempotent,
          ...interactive,
        })
      ).body;
    case 'delete':
      await http.request({ method: 'DELETE', path: status, ...interactive });
      return null;
    case 'edit':
      return (
        await http.request({
          method: 'PUT',
          path: status,
          body: {
            status: payload.reply!.text,
            spoiler_text: payload.reply!.spoilerText ?? '',
            ...(payload.reply!.language ? { language: payload.reply!.language } : {}),
          },
          ...interactive,
        })
      ).body;
    case 'vote': {
      const post = (await http.request<Record<string, unknown>>({ path: status, ...interactive })).body;
      const pollId = (post?.poll as { id?: unknown } | null | undefined)?.id;
      if (typeof pollId !== 'string' && typeof pollId !== 'number')
        throw new MastodonError('not_found', 'The post no longer has a poll on this server.');
      // Sent before, its answer lost: the server's poll, with the vote in it, is the truth.
      if ((post.poll as { voted?: unknown }).voted === true) return post;
      const poll = await http.request({
        method: 'POST',
        path: `/api/v1/polls/${encodeURIComponent(String(pollId))}/votes`,
        body: { choices: payload.vote!.choices },
        ...interactive,
      });
      return { ...post, poll: poll.body };
    }
    default:
      return (
        await http.request({
          method: 'POST',
          path: `${status}/${item.action}`,
          headers: idempotent,
          ...interactive,
        })
      ).body;
  }
}

export function ingestRefresh(engineApi: {
  ingest: {
    statuses: (page: { accountId: number; timeline: string; statuses: unknown[] }) => Promise<unknown>;
  };
}) {
  return (accountId: number, statuses: unknown[]) =>
    engineApi.ingest.statuses({ accountId, timeline: REFRESH, statuses });
}
