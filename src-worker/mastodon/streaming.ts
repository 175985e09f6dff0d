/**
 * Live updates for one account over Mastodon's streaming WebSocket: the token as the subprotocol,
 * several streams on one socket, the payload decoded a second time, and reconnects with backoff.
 *
 * The stream replays nothing after a reconnect, so every time a socket opens Corgi first catches
 * up over REST with `min_id` from the newest stored post, holding back what the stream sends
 * meanwhile; only then are streamed posts stored, each extending the same gapless stretch of the
 * home timeline. Deletions tombstone, edits refresh the stored post, mentions are stored with the
 * notifications.
 *
 * masto.js's streaming client is not used: it rewrites every key of every entity to camelCase,
 * and Corgi stores Mastodon's JSON as sent and checks it with the same schemas as REST pages.
 */
import { streamingEnvelopeSchema } from '../../src-shared/mastodon/entities';
import { REFRESH, type WorkerApi } from '../../src-shared/worker-api';
import { SOURCES, type AccountSync } from './account-sync';
import { newerId } from '../store/sync-cursors';

export interface StreamEvent {
  stream: string[];
  event: string;
  payload: unknown;
}

interface Subscription {
  stream: string;
  list?: string;
  tag?: string;
}

/** A socket that stays open this long counts as having worked: the delays start over. */
const HEALTHY_MS = 30_000;
/** The longest wait between attempts; polling keeps the timelines current meanwhile. */
const MAX_RETRY_MS = 5 * 60_000;

/**
 * One socket with its subscriptions, reopened after every close with growing, jittered delays, up
 * to five minutes. The delays start over once a socket has stayed open a while: a server that
 * accepts the connection and drops it at once is not hammered.
 */
export class StreamConnection {
  #socket: WebSocket | undefined;
  #stopped = false;
  #failures = 0;
  #openedAt = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly options: {
      streamingUrl: string;
      token: string;
      /** Pleroma and Akkoma read the token only from the query string. */
      tokenInQuery?: boolean;
      subscriptions: Subscription[];
      WebSocket: typeof WebSocket;
      onOpen: () => void;
      onClose: () => void;
      onEvent: (event: StreamEvent) => void;
      onBadFrame?: (why: string) => void;
    },
  ) {}

  start(): void {
    this.#stopped = false;
    this.#connect();
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#socket?.close();
    this.#socket = undefined;
  }

  /** Drops the socket (what it brought could not be stored in order) and opens another later. */
  reconnect(): void {
    this.#openedAt = 0;
    this.#socket?.close();
  }

  #connect(): void {
    const url = new URL('/api/v1/streaming', this.options.streamingUrl.replace(/^http/, 'ws'));
    let socket: WebSocket;
    if (this.options.tokenInQuery) {
      url.searchParams.set('access_token', this.options.token);
      url.searchParams.set('stream', 'user');
      socket = new this.options.WebSocket(url.href);
    } else socket = new this.options.WebSocket(url.href, this.options.token);
    this.#socket = socket;
    socket.addEventListener('open', () => {
      this.#openedAt = Date.now();
      for (const subscription of this.options.subscriptions) {
        // The address already asked for the user stream: asking again may double every event.
        if (this.options.tokenInQuery && subscription.stream === 'user') continue;
        socket.send(JSON.stringify({ type: 'subscribe', ...subscription }));
      }
      this.options.onOpen();
    });
    socket.addEventListener('message', (message) => this.#frame(String(message.data)));
    // A refused handshake may end in 'error' alone: either event schedules the next attempt, once.
    const lost = () => {
      if (this.#socket !== socket) return;
      this.#socket = undefined;
      this.options.onClose();
      if (this.#stopped) return;
      if (this.#openedAt > 0 && Date.now() - this.#openedAt >= HEALTHY_MS) this.#failures = 0;
      this.#openedAt = 0;
      const delay = Math.min(MAX_RETRY_MS, 250 * 2 ** this.#failures++) * (0.5 + Math.random());
      this.#timer = setTimeout(() => this.#connect(), delay);
    };
    socket.addEventListener('close', lost);
    let closing = false;
    socket.addEventListener('error', () => {
      lost();
      // Closing a failed socket can itself report an error: close once.
      if (closing) return;
      closing = true;
      socket.close();
    });
  }

  #frame(text: string): void {
    let envelope;
    try {
      envelope = streamingEnvelopeSchema.parse(JSON.parse(text));
    } catch {
      this.options.onBadFrame?.('a frame that is not a streaming event');
      return;
    }
    let payload: unknown = envelope.payload;
    if (envelope.event !== 'delete' && typeof envelope.payload === 'string' && envelope.payload !== '') {
      try {
        payload = JSON.parse(envelope.payload);
      } catch {
        this.options.onBadFrame?.(`a ${envelope.event} event whose payload is not JSON`);
        return;
      }
    }
    this.options.onEvent({ stream: streamName(envelope.stream), event: envelope.event, payload });
  }
}

/**
 * A frame's stream as Mastodon names it: `["list", "42"]`. GoToSocial and Akkoma send one element
 * with the id after a colon (`["list:42"]`, `["user:9x…"]`, `["user:notification"]`); a `delete`
 * may come with no stream at all.
 */
export function streamName(stream: readonly string[]): string[] {
  if (stream.length !== 1) return [...stream];
  const [kind, rest] = [stream[0]!.split(':')[0]!, stream[0]!.slice(stream[0]!.indexOf(':') + 1)];
  if (!stream[0]!.includes(':') || kind === 'public') return [...stream];
  if (kind === 'list' || kind === 'hashtag') return [kind, rest];
  if (kind === 'user' || kind === 'direct') return [kind];
  return [...stream];
}

export type StreamState = 'connecting' | 'catching_up' | 'live' | 'closed';

export interface AccountStreamOptions {
  api: WorkerApi;
  sync: AccountSync;
  accountId: number;
  /** From the instance's configuration.urls.streaming. */
  streamingUrl: string;
  token: string;
  tokenInQuery?: boolean;
  lists?: string[];
  tags?: string[];
  onState?: (state: StreamState) => void;
  onError?: (error: unknown) => void;
  /** The platform's WebSocket (Node 22 and browsers have one). */
  WebSocket?: typeof WebSocket;
}

function idOf(status: unknown): string | null {
  const id = (status as { id?: unknown } | null)?.id;
  return typeof id === 'string' ? id : null;
}

export class AccountStream {
  readonly #options: AccountStreamOptions;
  #connection: StreamConnection | undefined;
  /** Posts streamed while a catch-up runs; null when live. */
  #held: unknown[] | null = [];
  /** Past this many posts held back, the socket is dropped and the next one catches up anew. */
  static readonly MAX_HELD = 2000;
  #newest: string | null = null;
  #queue: Promise<void> = Promise.resolve();
  #state: StreamState = 'closed';
  #connections = 0;

  constructor(options: AccountStreamOptions) {
    this.#options = options;
  }

  get state(): StreamState {
    return this.#state;
  }

  /** How many times a socket has opened (1 + reconnects). */
  get connections(): number {
    return this.#connections;
  }

  #setState(state: StreamState): void {
    this.#state = state;
    this.#options.onState?.(state);
  }

  /** Runs `task` after everything queued before it, so stored order follows arrival order. */
  #enqueue(task: () => Promise<void>): Promise<void> {
    this.#queue = this.#queue.then(task).catch((error: unknown) => this.#options.onError?.(error));
    return this.#queue;
  }

  start(): void {
    if (this.#connection) return;
    this.#setState('connecting');
    const subscriptions: Subscription[] = [
      { stream: 'user' },
      ...(this.#options.lists ?? []).map((list) => ({ stream: 'list', list })),
      ...(this.#options.tags ?? []).map((tag) => ({ stream: 'hashtag', tag })),
    ];
    this.#connection = new StreamConnection({
      streamingUrl: this.#options.streamingUrl,
      token: this.#options.token,
      tokenInQuery: this.#options.tokenInQuery,
      subscriptions,
      WebSocket: this.#options.WebSocket ?? WebSocket,
      onOpen: () => this.#opened(),
      onClose: () => {
        if (this.#connection) this.#setState('connecting');
      },
      onEvent: (event) => this.#handle(event),
      onBadFrame: (why) => this.#options.onError?.(new Error(`The streaming server sent ${why}.`)),
    });
    this.#connection.start();
  }

  stop(): void {
    const connection = this.#connection;
    this.#connection = undefined;
    connection?.stop();
    this.#setState('closed');
  }

  /** Settles once everything received so far is stored. */
  idle(): Promise<void> {
    return this.#queue;
  }

  #opened(): void {
    this.#connections++;
    this.#held ??= [];
    this.#setState('catching_up');
    void this.#enqueue(async () => {
      const { sync, api, accountId } = this.#options;
      try {
        await sync.guard(() => sync.catchUp(SOURCES.home));
        await sync.guard(() => sync.catchUp(SOURCES.mentions));
      } catch (error) {
        // What was streamed meanwhile cannot be stored without a gap: drop it with the socket;
        // the next socket catches up anew (and polling goes on meanwhile).
        this.#held = [];
        this.#connection?.reconnect();
        throw error;
      }
      this.#newest = (await api.sync.cursor(accountId, SOURCES.home.name))?.newestId ?? null;
      const held = this.#held ?? [];
      this.#held = null;
      for (const status of held) await this.#storeHome(status);
      if (this.#connection) this.#setState('live');
    });
  }

  async #storeHome(status: unknown): Promise<void> {
    const id = idOf(status);
    // Older than what is stored (the catch-up already had it): refresh, don't extend.
    const extends_ = id !== null && newerId(this.#newest, id) === id && id !== this.#newest;
    await this.#options.api.ingest.statuses({
      accountId: this.#options.accountId,
      timeline: extends_ ? SOURCES.home.name : REFRESH,
      statuses: [status],
      cursor: extends_ && this.#newest ? { minId: this.#newest } : undefined,
      sync: extends_ ? { source: SOURCES.home.name, newestId: id } : undefined,
    });
    if (extends_) this.#newest = id;
  }

  #handle(event: StreamEvent): void {
    const { api, accountId } = this.#options;
    const stream = event.stream[0] ?? 'user';
    switch (event.event) {
      case 'update': {
        if (stream !== 'user') {
          if (stream !== 'list' && stream !== 'hashtag') return;
          const timeline =
            stream === 'list' ? `list:${event.stream[1]}` : `tag:${String(event.stream[1]).toLowerCase()}`;
          void this.#enqueue(async () => {
            await api.ingest.statuses({ accountId, timeline, statuses: [event.payload] });
          });
        } else if (this.#held) {
          this.#held.push(event.payload);
          if (this.#held.length > AccountStream.MAX_HELD) {
            this.#held = [];
            this.#connection?.reconnect();
          }
        } else void this.#enqueue(() => this.#storeHome(event.payload));
        return;
      }
      case 'status.update':
        void this.#enqueue(async () => {
          await api.ingest.statuses({ accountId, timeline: REFRESH, statuses: [event.payload] });
        });
        return;
      case 'delete':
        void this.#enqueue(async () => {
          await api.ingest.deletions(accountId, [String(event.payload)]);
        });
        return;
      case 'notification': {
        const notification = event.payload as { type?: string; status?: unknown } | null;
        if (notification?.type !== 'mention' || !notification.status) return;
        void this.#enqueue(async () => {
          await api.ingest.statuses({
            accountId,
            timeline: SOURCES.mentions.name,
            statuses: [notification.status],
          });
        });
        return;
      }
      default:
        return;
    }
  }
}
