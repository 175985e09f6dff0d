/**
 * One signed-in account kept current, whatever its server offers.
 *
 * Its sync is a list of named steps (the instance document, home, favourites, bookmarks, mentions,
 * filters, mutes, blocks, lists, followed hashtags and their timelines, follows, trends, markers,
 * counts, gaps), each run on its own schedule and recorded in `sync_steps`:
 * - a step that fails is recorded with its reason and tried again with growing delays, and the
 *   others go on;
 * - an optional endpoint that answers 404, 405, 410 or 501 switches its feature off for the server
 *   (logged once, asked again a day later), and the steps that need it wait until then;
 * - the account is in trouble only when its server refuses the token (after checking with
 *   `verify_credentials`, since some servers answer 401 or 403 for other reasons) or cannot be
 *   reached at all; that state and its reason are stored, survive a restart, and are logged.
 *
 * New posts come over the stream where the server has one. Where it has none, or the stream is
 * down, the home timeline and mentions are caught up by `min_id` polling, every minute while the
 * window is in front and every five minutes behind, while the stream is tried again with capped
 * backoff. Lists and followed hashtags are caught up every quarter of an hour even while the
 * stream is live: some servers accept those subscriptions and then send nothing on them.
 */
import type {
  Account,
  FeatureState,
  MastodonAccountState,
  ServerFeature,
  ServerInfo,
  WorkerApi,
} from '../../src-shared/worker-api';
import {
  listSource,
  refusedTokenReason,
  SOURCES,
  tagSource,
  type AccountSync,
  type Source,
} from './account-sync';
import type { Clock } from './clock';
import { MastodonError, whatWasSaid, type MastodonHttp } from './http';
import { fetchInstance, isMissingEndpoint } from './server-info';
import { AccountStream } from './streaming';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** How often the home timeline and mentions are asked for when there is no live stream. */
export const POLL_MS = MINUTE;
/** The same while the app's window is hidden or in the background. */
export const POLL_HIDDEN_MS = 5 * MINUTE;
/** Lists and followed hashtags, caught up even while streaming. */
export const SIDE_TIMELINES_MS = 15 * MINUTE;
/** A feature a server lacks is asked about again after this long. */
export const FEATURE_RETRY_MS = DAY;

/** A failed step waits a minute, then twice as long after each failure in a row, up to an hour. */
export function stepBackoffMs(failures: number): number {
  return Math.min(HOUR, MINUTE * 2 ** Math.max(0, failures - 1));
}

/** An unreachable server is asked again after 30 s, doubling up to 15 minutes. */
export function unreachableBackoffMs(failures: number): number {
  return Math.min(15 * MINUTE, 30_000 * 2 ** Math.max(0, failures - 1));
}

/**
 * Servers that take the streaming token only from the query string: Pleroma's handler reads no
 * other (lib/pleroma/web/mastodon_api/websocket_handler.ex). Akkoma also reads the subprotocol, which
 * keeps the token out of the address (and out of proxies' logs).
 */
const TOKEN_IN_QUERY = new Set(['pleroma']);

interface StepSpec {
  name: string;
  /** The optional feature the step needs: while it is off, the step waits. */
  feature?: ServerFeature;
  /**
   * Whether a missing endpoint switches the feature off (its own endpoint: `/api/v1/lists`), or
   * only fails this step (one list's timeline: that list was deleted).
   */
  switches?: boolean;
  /** Part of the first sync (otherwise first run one period after it). */
  initial: boolean;
  /** How long after a success it runs again; null: not again. */
  every: number | null;
  run: (signal: AbortSignal, first: boolean) => Promise<unknown>;
}

export type StepOutcome = 'ok' | 'off' | 'failed' | 'unreachable' | 'refused' | 'stopped';

/** How a step of the first sync went, with what it returned (a `SyncProgress` for timelines). */
export interface StepReport {
  outcome: StepOutcome;
  result?: unknown;
  error?: string;
}

interface Schedule {
  nextAt: number;
  failures: number;
  /** When it last ran; null before its first run. */
  lastRunAt: number | null;
}

export interface AccountRunnerOptions {
  api: WorkerApi;
  account: Account;
  http: MastodonHttp;
  sync: AccountSync;
  clock: Clock;
  /** The account's token, for the stream. */
  token: () => Promise<string | null>;
  /** Whether the app's window is in front (polling slows down when it is not). */
  foreground?: () => boolean;
  /** Called whenever the account's state changes. */
  onState?: (state: MastodonAccountState) => void;
  /** Where transitions are reported: a feature switched off, a step failing, the server lost. */
  log?: (message: string) => void;
  WebSocket?: typeof WebSocket;
}

export class AccountRunner {
  readonly #options: AccountRunnerOptions;
  readonly #stop = new AbortController();
  #wake = new AbortController();
  readonly #features = new Map<ServerFeature, FeatureState>();
  readonly #schedule = new Map<string, Schedule>();
  #server: ServerInfo | null = null;
  #lists: string[] = [];
  #tags: string[] = [];
  #stream: AccountStream | undefined;
  #initialDone = false;
  #unreachableFailures = 0;
  /** While the server cannot be reached: when to try it again. */
  #retryReachAt = 0;
  #state: MastodonAccountState = 'syncing';
  #reason: string | null = null;

  constructor(options: AccountRunnerOptions) {
    this.#options = options;
    // The stream's catch-ups find out about a refused token the same way the steps do.
    options.sync.refusal = (error) => this.#refusedToken(error);
  }

  get accountId(): number {
    return this.#options.account.id;
  }

  get state(): MastodonAccountState {
    return this.#state;
  }

  /** Why the account is in trouble, when it is. */
  get reason(): string | null {
    return this.#reason;
  }

  get server(): ServerInfo | null {
    return this.#server;
  }

  get stream(): AccountStream | undefined {
    return this.#stream;
  }

  get stopped(): boolean {
    return this.#stop.signal.aborted;
  }

  stop(): void {
    this.#stop.abort();
    this.#stream?.stop();
    this.#options.sync.stop();
    if (this.#state !== 'needs_sign_in') this.#setState('stopped');
  }

  /** Something changed (the window came to the front, the stream dropped): look again now. */
  wake(): void {
    this.#wake.abort();
  }

  /**
   * A step is wanted sooner than its schedule says (the reading position moved): it runs within
   * `withinMs`, once however often it is asked for meanwhile.
   */
  runSoon(step: string, withinMs: number): void {
    const schedule = this.#schedule.get(step);
    if (!schedule || schedule.failures > 0) return;
    const at = this.#options.clock.now() + withinMs;
    if (schedule.nextAt <= at) return;
    schedule.nextAt = at;
    this.wake();
  }

  /** The person asked to try now: a server that could not be reached is asked again at once. */
  retryNow(): void {
    this.#retryReachAt = 0;
    for (const schedule of this.#schedule.values()) if (schedule.failures > 0) schedule.nextAt = 0;
    this.wake();
  }

  #log(message: string): void {
    (this.#options.log ?? ((m: string) => console.warn(m)))(
      `corgi: ${this.#options.account.acct}: ${message}`,
    );
  }

  #setState(state: MastodonAccountState, reason: string | null = this.#reason): void {
    const changed = state !== this.#state || reason !== this.#reason;
    this.#state = state;
    this.#reason = reason;
    if (changed) this.#options.onState?.(state);
  }

  /** The state when nothing is wrong: syncing, then live or polling. */
  #settle(): void {
    if (this.#state === 'needs_sign_in' || this.#state === 'unreachable' || this.stopped) return;
    if (!this.#initialDone) this.#setState('syncing', null);
    else this.#setState(this.#stream?.state === 'live' ? 'live' : 'polling', null);
  }

  #available(feature: ServerFeature | undefined): boolean {
    if (!feature) return true;
    const state = this.#features.get(feature);
    if (!state || state.available) return true;
    return state.retryAt !== null && state.retryAt <= this.#options.clock.now();
  }

  get #pollEvery(): number {
    return (this.#options.foreground?.() ?? true) ? POLL_MS : POLL_HIDDEN_MS;
  }

  get #polling(): boolean {
    return this.#initialDone && this.#stream?.state !== 'live';
  }

  /** The steps, as they stand now (lists and hashtags change). */
  #steps(): StepSpec[] {
    const { sync } = this.#options;
    const polled =
      (source: Source): StepSpec['run'] =>
      (signal, first) =>
        first ? this.#firstFetch(source, signal) : sync.catchUp(source, signal);
    const every = {
      polled: this.#polling ? this.#pollEvery : null,
      side: this.#polling ? Math.max(5 * this.#pollEvery, SIDE_TIMELINES_MS / 3) : SIDE_TIMELINES_MS,
    };
    return [
      { name: 'instance', initial: true, every: DAY, run: (signal) => this.#readInstance(signal) },
      { name: 'filters', initial: true, every: 6 * HOUR, run: (signal) => this.#refreshFilters(signal) },
      { name: 'home', initial: true, every: every.polled, run: polled(SOURCES.home) },
      {
        name: 'favourites',
        feature: 'favourites',
        initial: true,
        every: null,
        run: (signal) => sync.backfill(SOURCES.favourites, signal),
      },
      {
        name: 'bookmarks',
        feature: 'bookmarks',
        initial: true,
        every: null,
        run: (signal) => sync.backfill(SOURCES.bookmarks, signal),
      },
      {
        name: 'mentions',
        feature: 'notifications',
        initial: true,
        every: every.polled,
        run: polled(SOURCES.mentions),
      },
      {
        // Every kind (favourites, boosts, follows, polls…), for the notifications screen.
        name: 'notifications',
        feature: 'notifications',
        initial: true,
        every: every.polled ?? 2 * MINUTE,
        run: (signal) => sync.refreshNotifications(signal),
      },
      {
        name: 'mutes',
        feature: 'mutes',
        initial: true,
        every: 6 * HOUR,
        run: (signal) => sync.refreshRelations('mute', signal),
      },
      {
        name: 'blocks',
        feature: 'blocks',
        initial: true,
        every: 6 * HOUR,
        run: (signal) => sync.refreshRelations('block', signal),
      },
      {
        name: 'lists',
        feature: 'lists',
        initial: true,
        every: 6 * HOUR,
        run: async (signal) => this.#sideTimelines('lists', await sync.refreshLists(signal)),
      },
      {
        name: 'followed_tags',
        feature: 'followed_tags',
        initial: true,
        every: 6 * HOUR,
        run: async (signal) => {
          const tags = await sync.refreshFollowedTags(signal);
          await this.#options.api.sync.keepFollowedTags(this.#options.account.id, tags);
          return this.#sideTimelines('tags', tags);
        },
      },
      ...this.#lists.map((id) => listSource(id)).map((source) => this.#sideStep(source, 'lists', every.side)),
      ...this.#tags
        .map((tag) => tagSource(tag))
        .map((source) => this.#sideStep(source, 'followed_tags', every.side)),
      {
        name: 'follows',
        feature: 'follows',
        initial: true,
        every: 6 * HOUR,
        run: (signal) => sync.refreshFollows(signal),
      },
      {
        name: 'trends',
        feature: 'trends',
        initial: true,
        every: 15 * MINUTE,
        run: (signal) => sync.newest(SOURCES.trends, signal),
      },
      {
        name: 'markers',
        feature: 'markers',
        initial: true,
        every: 2 * MINUTE,
        run: (signal) => sync.syncMarkers(signal),
      },
      {
        name: 'counts',
        feature: 'status_batch',
        initial: false,
        every: 15 * MINUTE,
        run: (signal) => sync.refreshCounts(2, signal),
      },
      {
        name: 'gaps',
        initial: false,
        every: 15 * MINUTE,
        run: (signal) => sync.fillGaps(SOURCES.home, signal),
      },
    ];
  }

  #sideStep(source: Source, feature: ServerFeature, every: number): StepSpec {
    const { sync } = this.#options;
    return {
      name: source.name,
      feature,
      switches: false,
      initial: true,
      every,
      run: async (signal, first) => (first ? sync.newest(source, signal) : sync.catchUp(source, signal)),
    };
  }

  /** Home and mentions the first time: from where the last run stopped, down to the end. */
  async #firstFetch(source: Source, signal: AbortSignal): Promise<unknown> {
    const { sync, api, account } = this.#options;
    const cursor = await api.sync.cursor(account.id, source.name);
    if (cursor?.backfillDone) return sync.catchUp(source, signal);
    return sync.backfill(source, signal);
  }

  /**
   * New lists or hashtags get their own steps, and the stream subscribes to them; those gone lose
   * theirs, and their records.
   */
  async #sideTimelines(kind: 'lists' | 'tags', names: string[]): Promise<number> {
    const before = kind === 'lists' ? this.#lists : this.#tags;
    const changed = before.length !== names.length || before.some((n, i) => n !== names[i]);
    if (kind === 'lists') this.#lists = names;
    else this.#tags = names;
    const source = kind === 'lists' ? listSource : tagSource;
    const gone = before.filter((name) => !names.includes(name)).map((name) => source(name).name);
    if (gone.length > 0) {
      for (const step of gone) this.#schedule.delete(step);
      await this.#options.api.servers.forgetSteps(this.#options.account.id, gone);
    }
    if (changed && this.#stream) {
      this.#stream.stop();
      this.#stream = undefined;
      void this.#startStream();
    }
    return names.length;
  }

  /** What the sync does differently for this software. */
  #knowServer(info: ServerInfo): void {
    this.#options.sync.shortPageEnds = info.software === 'mastodon';
    this.#options.sync.batchParam = info.software === 'akkoma' ? 'ids' : 'id';
  }

  async #readInstance(signal: AbortSignal): Promise<ServerInfo> {
    const { api, account } = this.#options;
    const reading = await fetchInstance(this.#options.http, signal);
    await api.servers.save(account.id, reading.info, reading.raw, reading.features);
    if (reading.dropped.size > 0)
      await api.servers.recordDiagnostics(account.id, Object.fromEntries(reading.dropped));
    this.#server = reading.info;
    this.#knowServer(reading.info);
    await this.#loadFeatures();
    if (this.#initialDone) await this.#startStream();
    return reading.info;
  }

  /** Filters v2, or v1 where the server has no v2 (one of the two switched off, each on its own). */
  async #refreshFilters(signal: AbortSignal): Promise<number> {
    const { sync } = this.#options;
    if (this.#available('filters_v2')) {
      try {
        const saved = await sync.refreshFilters(2, signal);
        await this.#switch('filters_v2', true, null);
        return saved;
      } catch (error) {
        if (!isMissingEndpoint(error)) throw error;
        await this.#switchOff('filters_v2', error);
      }
    }
    if (!this.#available('filters_v1')) return 0;
    try {
      const saved = await sync.refreshFilters(1, signal);
      await this.#switch('filters_v1', true, null);
      return saved;
    } catch (error) {
      if (!isMissingEndpoint(error)) throw error;
      await this.#switchOff('filters_v1', error);
      return 0;
    }
  }

  async #loadFeatures(): Promise<void> {
    this.#features.clear();
    for (const state of await this.#options.api.servers.features(this.#options.account.id))
      this.#features.set(state.feature, state);
  }

  /** Switches a feature on, or off until a day from now (each time it is found missing again). */
  async #switch(feature: ServerFeature, available: boolean, reason: string | null): Promise<void> {
    if (available && this.#features.get(feature)?.available !== false) return;
    const now = this.#options.clock.now();
    const retryAt = available ? null : now + FEATURE_RETRY_MS;
    await this.#options.api.servers.setFeature(this.#options.account.id, feature, {
      available,
      reason,
      retryAt,
    });
    this.#features.set(feature, { feature, available, reason, checkedAt: now, retryAt });
  }

  async #switchOff(feature: ServerFeature, error: MastodonError): Promise<void> {
    const wasOn = this.#features.get(feature)?.available !== false;
    const reason = `${error.request ?? 'the request'} answered ${error.status}`;
    await this.#switch(feature, false, reason);
    if (wasOn) this.#log(`${feature.replace(/_/g, ' ')} switched off: ${reason}; asked again in a day`);
  }

  /**
   * A step that failed where no step should (the database refused a write): logged, and tried again
   * later like any failure; the account goes on.
   */
  #broken(step: StepSpec, error: unknown): StepReport {
    const reason = error instanceof Error ? error.message : String(error);
    const schedule = this.#schedule.get(step.name);
    if (schedule) {
      schedule.failures++;
      schedule.nextAt = this.#options.clock.now() + stepBackoffMs(schedule.failures);
    }
    this.#log(`${step.name} could not be recorded: ${reason}`);
    return { outcome: 'failed', error: reason };
  }

  /** Counts what the sync's own parses dropped (lists, tags, markers…) for the server. */
  async #recordDiagnostics(): Promise<void> {
    const dropped = this.#options.sync.takeDiagnostics();
    if (dropped) await this.#options.api.servers.recordDiagnostics(this.#options.account.id, dropped);
  }

  /** Runs one step and records how it went. */
  async #attempt(step: StepSpec): Promise<StepReport> {
    const { api, account, clock, http } = this.#options;
    const signal = this.#stop.signal;
    const schedule = this.#schedule.get(step.name) ?? { nextAt: 0, failures: 0, lastRunAt: null };
    this.#schedule.set(step.name, schedule);
    const first = schedule.lastRunAt === null;
    schedule.lastRunAt = clock.now();
    const answers = http.stats.answers;
    try {
      const result = await step.run(signal, first).finally(() => this.#recordDiagnostics());
      if (step.feature && this.#features.get(step.feature)?.available === false) {
        await this.#switch(step.feature, true, null);
        this.#log(`${step.feature.replace(/_/g, ' ')} works again`);
      }
      schedule.failures = 0;
      schedule.nextAt = step.every === null ? Number.POSITIVE_INFINITY : clock.now() + step.every;
      await api.servers.recordStep(account.id, step.name, { error: null, nextAt: finite(schedule.nextAt) });
      // Only an answer proves the server is there (some steps ask nothing).
      if (http.stats.answers > answers) await this.#reachable();
      return { outcome: 'ok', result };
    } catch (error) {
      if (signal.aborted) return { outcome: 'stopped' };
      const reason = error instanceof Error ? error.message : String(error);
      if (step.feature && step.switches !== false && isMissingEndpoint(error)) {
        await this.#switchOff(step.feature, error);
        schedule.failures = 0;
        schedule.nextAt = clock.now() + FEATURE_RETRY_MS;
        await api.servers.recordStep(account.id, step.name, {
          error: null,
          nextAt: schedule.nextAt,
          skipped: true,
        });
        await this.#reachable();
        return { outcome: 'off', error: reason };
      }
      if (await this.#refusedToken(error)) return { outcome: 'refused', error: reason };
      if (isNoAnswer(error) && !(await this.#serverAnswers())) {
        await this.#unreachable(error as MastodonError);
        // Not a failure of the step: it runs first when the server answers again.
        schedule.lastRunAt = first ? null : schedule.lastRunAt;
        schedule.nextAt = 0;
        return { outcome: 'unreachable', error: reason };
      }
      schedule.failures++;
      schedule.nextAt = clock.now() + stepBackoffMs(schedule.failures);
      const recorded = await api.servers.recordStep(account.id, step.name, {
        error: reason,
        nextAt: schedule.nextAt,
      });
      if (recorded.failures === 1) this.#log(`${step.name} failed, trying again later: ${reason}`);
      if (http.stats.answers > answers) await this.#reachable();
      return { outcome: 'failed', error: reason };
    }
  }

  /**
   * Whether the server answers at all: one endpoint that times out or fails with 5xx (a large
   * list of follows, a broken instance document) is that step's trouble, not the server's. Asked of
   * the signed-in account, which every server serves.
   */
  async #serverAnswers(): Promise<boolean> {
    try {
      await this.#options.http.request({
        path: '/api/v1/accounts/verify_credentials',
        maxRetries: 0,
        signal: this.#stop.signal,
      });
      return true;
    } catch (error) {
      return error instanceof MastodonError && error.status !== null && error.status < 500;
    }
  }

  /**
   * Whether the server refuses the token itself. A 401 or 403 from one endpoint may mean only
   * that endpoint (a scope, a server that answers 401 for every error): verify_credentials says.
   */
  async #refusedToken(error: unknown): Promise<boolean> {
    if (!(error instanceof MastodonError) || (error.kind !== 'unauthorized' && error.kind !== 'forbidden'))
      return false;
    if (this.#state === 'needs_sign_in') return true;
    let confirmed: MastodonError = error;
    if (error.status !== null) {
      try {
        await this.#options.http.request({
          path: '/api/v1/accounts/verify_credentials',
          signal: this.#stop.signal,
        });
        return false;
      } catch (check) {
        if (
          !(check instanceof MastodonError) ||
          (check.kind !== 'unauthorized' && check.kind !== 'forbidden')
        )
          return false;
        confirmed = check;
      }
    }
    const reason = refusedTokenReason(this.#options.http.baseUrl, confirmed);
    await this.#options.api.accounts.setState(this.#options.account.id, 'needs_sign_in', reason);
    this.#log(`needs to sign in again: ${reason}`);
    this.#setState('needs_sign_in', reason);
    this.#stop.abort();
    this.#stream?.stop();
    this.#options.sync.stop();
    return true;
  }

  async #unreachable(error: MastodonError): Promise<void> {
    this.#unreachableFailures++;
    this.#retryReachAt = this.#options.clock.now() + unreachableBackoffMs(this.#unreachableFailures);
    if (this.#state === 'unreachable') return;
    const host = new URL(this.#options.http.baseUrl).host;
    const reason = `${host} cannot be reached (${whatWasSaid(error, host)}). Corgi keeps trying; check the connection, or whether the server is down.`;
    await this.#options.api.accounts.setState(this.#options.account.id, 'unreachable', reason);
    this.#log(reason);
    this.#setState('unreachable', reason);
  }

  async #reachable(): Promise<void> {
    this.#unreachableFailures = 0;
    this.#retryReachAt = 0;
    if (this.#state !== 'unreachable') return;
    await this.#options.api.accounts.setState(this.#options.account.id, 'active');
    this.#log('reachable again');
    this.#state = 'syncing';
    this.#reason = null;
    this.#settle();
  }

  /** Runs every step of the first sync once, in order; returns how each went. */
  async initialPass(): Promise<Record<string, StepReport>> {
    const { clock, api, account } = this.#options;
    await this.#loadFeatures();
    this.#server = await api.servers.info(account.id);
    if (this.#server) this.#knowServer(this.#server);
    if (account.state === 'unreachable') this.#setState('unreachable', account.stateReason);
    const outcomes: Record<string, StepReport> = {};
    const done = new Set<string>();
    // Lists and hashtags add steps as they are read: go round until every step has had its turn.
    for (let steps = this.#steps(); ; steps = this.#steps()) {
      const step = steps.find((s) => !done.has(s.name));
      if (!step) break;
      done.add(step.name);
      if (!step.initial) {
        this.#schedule.set(step.name, {
          nextAt: clock.now() + (step.every ?? 0),
          failures: 0,
          lastRunAt: null,
        });
        continue;
      }
      if (!this.#available(step.feature)) {
        outcomes[step.name] = { outcome: 'off' };
        continue;
      }
      const report = await this.#attempt(step).catch((error: unknown) => this.#broken(step, error));
      outcomes[step.name] = report;
      const { outcome } = report;
      // Everything not yet run waits for the server: the next passes take up where this stopped.
      if (outcome === 'refused' || outcome === 'stopped' || outcome === 'unreachable') break;
    }
    this.#initialDone = true;
    this.#settle();
    return outcomes;
  }

  /** When a step is due: after a failure, its backoff; else a period after its last run. */
  #dueAt(step: StepSpec): number {
    const schedule = this.#schedule.get(step.name);
    if (!schedule || schedule.lastRunAt === null) return schedule?.nextAt ?? 0;
    if (schedule.failures > 0 || step.every === null) return schedule.nextAt;
    // The period follows the stream and the window: a polled step is due a period after its last run.
    return Math.min(schedule.nextAt, schedule.lastRunAt + step.every);
  }

  /** Runs the steps that are due now, as the running account does when they fall due. */
  runDue(): Promise<void> {
    return this.#pass().then(() => this.#settle());
  }

  /**
   * Runs the steps that are due, in order, each once; steps that a step adds (a list read for the
   * first time) run in the same pass. Stops at a server that cannot be reached. Returns how many
   * steps ran.
   */
  async #pass(): Promise<number> {
    const now = this.#options.clock.now();
    const done = new Set<string>();
    for (;;) {
      if (this.stopped) return done.size;
      const step = this.#steps().find(
        (s) => !done.has(s.name) && this.#dueAt(s) <= now && this.#available(s.feature),
      );
      if (!step) return done.size;
      done.add(step.name);
      const { outcome } = await this.#attempt(step).catch((error: unknown) => this.#broken(step, error));
      if (outcome === 'refused' || outcome === 'stopped' || outcome === 'unreachable') return done.size;
    }
  }

  async #startStream(): Promise<void> {
    if (this.#stream || this.stopped || !this.#available('streaming')) return;
    const url = this.#server?.streamingUrl;
    const token = await this.#options.token();
    if (!url || !token || this.stopped || this.#stream) return;
    const { api, sync, account } = this.#options;
    this.#stream = new AccountStream({
      api,
      sync,
      accountId: account.id,
      streamingUrl: url,
      token,
      tokenInQuery: TOKEN_IN_QUERY.has(this.#server?.software ?? ''),
      lists: this.#lists,
      tags: this.#tags,
      WebSocket: this.#options.WebSocket,
      onState: () => {
        this.#settle();
        this.wake();
      },
      onError: (error) => this.#log(`streaming: ${(error as Error).message ?? String(error)}`),
    });
    this.#stream.start();
  }

  /** The account's whole life: the first sync, then the stream and the steps as they fall due. */
  async run(): Promise<void> {
    const { clock } = this.#options;
    await this.initialPass();
    if (this.stopped) return;
    await this.#startStream();
    let ran = 1;
    while (!this.stopped) {
      this.#wake = new AbortController();
      // Never round again at once after a pass that found nothing to do: the loop would spin.
      const wait = Math.max(ran === 0 ? 1000 : 0, this.#nextDue() - clock.now());
      if (wait > 0)
        await clock
          .sleep(wait, AbortSignal.any([this.#stop.signal, this.#wake.signal]))
          .catch(() => undefined);
      if (this.stopped) return;
      ran = await this.#pass();
      this.#settle();
    }
  }

  /** When the next step falls due; while the server cannot be reached, when to try it again. */
  #nextDue(): number {
    const now = this.#options.clock.now();
    if (this.#state === 'unreachable' && this.#retryReachAt > now) return this.#retryReachAt;
    let next = Number.POSITIVE_INFINITY;
    for (const step of this.#steps()) {
      let at = this.#dueAt(step);
      if (!this.#available(step.feature)) at = Math.max(at, this.#features.get(step.feature!)?.retryAt ?? at);
      next = Math.min(next, at);
    }
    // Look again at least every polling period: periods follow the stream and the window.
    return Math.min(next, now + this.#pollEvery);
  }
}

function finite(n: number): number | null {
  return Number.isFinite(n) ? n : null;
}

/**
 * No answer (the network, a timeout), or 5xx answers after every retry: the server may be down, or
 * only this endpoint in trouble; `#serverAnswers` tells which.
 */
function isNoAnswer(error: unknown): boolean {
  return error instanceof MastodonError && (error.kind === 'network' || error.kind === 'server');
}
