/**
 * The contract between the renderer and the data worker. The worker exposes `RendererApi` to the
 * page, which calls it through `Comlink.wrap<RendererApi>()`; the engine's own parts also call
 * `EngineApi`, and implement both as `WorkerApi`. Everything here is structured-cloneable.
 */

export const PRIVACY_LEVELS = ['NONE', 'LIMITED', 'FULL'] as const;
/**
 * NONE: only the person's own Mastodon actions are kept; views, opens, dwell and feedback are not
 * recorded. LIMITED: everything is recorded, and raw interactions older than the retention period
 * are folded into affinities and deleted. FULL: raw interactions are kept until deleted.
 */
export type PrivacyLevel = (typeof PRIVACY_LEVELS)[number];

export type EngineErrorKind =
  'invalid_input' | 'not_found' | 'damaged_database' | 'storage_unavailable' | 'internal';

/** How an error crosses the worker boundary: something the UI can act on. */
export interface EngineErrorShape {
  kind: EngineErrorKind;
  message: string;
}

/** What a committed write may have changed, for whoever shows or keeps it. */
export const CHANGE_DOMAINS = [
  'accounts',
  'feed',
  'interactions',
  'outbox',
  'posts',
  'ranking',
  'servers',
  'settings',
  /** How each account's sync goes (its runner's state, kept in memory, not in a table). */
  'sync',
  'notifications',
  'timelines',
  /** Where the person stopped reading (Mastodon's markers). */
  'markers',
  /** The hosts pictures may come from. */
  'images',
  /**
   * The home timeline's first page the app opened with (kept for this start, src-worker/kept-page.ts)
   * was older than the database: the home timeline is read again from its start.
   */
  'firstPage',
] as const;
export type ChangeDomain = (typeof CHANGE_DOMAINS)[number];

/** One committed write (or several at once): the domains whose data changed. */
export interface DataChange {
  domains: ChangeDomain[];
}

export interface EngineStatus {
  state: 'ready' | 'damaged';
  /** What the integrity check said when the database is damaged. */
  detail: string | null;
  schemaVersion: number;
  storage: string;
  statuses: number;
  /** Copies of damaged databases kept aside by a recovery, newest first. */
  recoveredCopies: string[];
  /**
   * Whether the whole file was checked as it opened: only after an unclean shutdown (a write cut
   * short); otherwise it is checked in the background while Corgi is idle, once a week.
   */
  checkedAtOpen: boolean;
}

export interface AccountInput {
  /** Host name of the Mastodon server, e.g. "mastodon.social". */
  instance: string;
  /** The account's id on that server. */
  remoteId: string;
  acct: string;
  displayName: string;
  avatarUrl?: string | null;
  isDefault?: boolean;
}

export interface Account {
  id: number;
  instance: string;
  remoteId: string;
  /** Always user@host. */
  acct: string;
  displayName: string;
  avatarUrl: string | null;
  isDefault: boolean;
  /**
   * "needs_sign_in": the server refused the account's token; "unreachable": the server has not
   * answered for a while (Corgi keeps trying). Both say why in `stateReason`, stored so they
   * survive a restart.
   */
  state: AccountState;
  stateReason: string | null;
  /** Since when the account has been in this state (ms), for the states that are problems. */
  stateSince: number | null;
}

export type AccountState = 'active' | 'needs_sign_in' | 'unreachable';

/**
 * Timelines an entry can come from: "home", "public", "local", "favourites", "bookmarks",
 * "notifications", "import", "list:<id>" or "tag:<name>".
 */
export type TimelineName = string;

/** The timeline name that refreshes stored posts (edits, counts) without adding timeline entries. */
export const REFRESH = 'refresh';

export interface PageCursor {
  maxId?: string;
  minId?: string;
  sinceId?: string;
}

export interface IngestPage {
  accountId: number;
  timeline: TimelineName;
  /** Mastodon Status JSON as received; each is checked on its own. */
  statuses: readonly unknown[];
  /** The cursor the page was fetched with, for gap bookkeeping. None for the newest page. */
  cursor?: PageCursor;
  /** The page size asked for; a shorter page from `maxId` paging means the end was reached. */
  limit?: number;
  /** When the page was fetched (ms since epoch); defaults to now. */
  fetchedAt?: number;
  /** Where the sync of this source stands after this page: stored with the page, or not at all. */
  sync?: SyncCursorUpdate;
}

/** A source's sync position, as stored beside the pages it came with. */
export interface SyncCursor {
  accountId: number;
  /** "home", "favourites", "bookmarks", "notifications", "list:<id>", "tag:<name>". */
  source: string;
  /** The Link URL backfill continues from; null when there is nothing older to fetch. */
  nextUrl: string | null;
  /** The newest id seen, for catching up with min_id. */
  newestId: string | null;
  backfillDone: boolean;
  updatedAt: number;
}

export interface RulesResult {
  saved: number;
  rejected: { index: number; error: string }[];
}

export interface SyncCursorUpdate {
  source: string;
  /** Omitted: unchanged. */
  nextUrl?: string | null;
  /** Kept only when newer than the stored one (ids compare by length, then text). */
  newestId?: string | null;
  backfillDone?: boolean;
}

export interface IngestRejection {
  index: number;
  /** The status id, when one could be read. */
  remoteId: string | null;
  error: string;
}

export interface IngestResult {
  inserted: number;
  updated: number;
  unchanged: number;
  rejected: IngestRejection[];
}

export interface TimelineGap {
  /** Fetch with max_id = this to continue below the newer stretch… */
  olderThan: string;
  /** …until reaching this id (use as min_id), where the older stretch begins. */
  newerThan: string | null;
}

/** A custom emoji: `:shortcode:` in a text stands for the image at `url` (https only). */
export interface EmojiView {
  shortcode: string;
  url: string;
  staticUrl: string;
}

export interface AuthorView {
  acct: string;
  displayName: string;
  avatarUrl: string | null;
  url: string | null;
  bot: boolean;
  /** The custom emoji of the display name; absent on views made before they were read. */
  emojis?: EmojiView[];
}

/** Where the person stopped reading the home timeline (Mastodon's markers), as a stored post. */
export interface ReadingPosition {
  statusId: number;
  /** When the post entered the timeline. */
  at: number;
  /** Read here, or further in another app (the server's marker). */
  from: 'here' | 'server';
  savedAt: number;
}

/** How one of the person's accounts stands with another account, as its server says. */
export interface RelationshipView {
  following: boolean;
  /** A follow request waiting for a locked account's approval. */
  requested: boolean;
  followedBy: boolean;
  muting: boolean;
  blocking: boolean;
  blockedBy: boolean;
}

export const RELATION_ACTIONS = ['follow', 'unfollow', 'mute', 'unmute', 'block', 'unblock'] as const;
export type RelationAction = (typeof RELATION_ACTIONS)[number];

/** Someone's profile as the server of one of the person's accounts shows it. */
export interface ProfileView {
  /** The person's account whose server answered (and that follows, mutes or blocks). */
  viaAccountId: number;
  acct: string;
  displayName: string;
  /** Their bio, HTML as the server sent it (sanitised where shown). */
  note: string;
  avatarUrl: string | null;
  headerUrl: string | null;
  url: string | null;
  bot: boolean;
  locked: boolean;
  emojis: EmojiView[];
  /** Profile fields; `value` is HTML. */
  fields: { name: string; value: string; verified: boolean }[];
  followers: number | null;
  following: number | null;
  posts: number | null;
  joinedAt: number | null;
  relationship: RelationshipView | null;
  /** How many of their newest posts came with it, now stored (read with timeline.list). */
  fetched: number;
}

/** What the server of one of the person's accounts found for a search. */
export interface ServerSearchResult {
  viaAccountId: number;
  accounts: AuthorView[];
  hashtags: string[];
  /** The posts found, stored here with the answer, in the server's order. */
  statusIds: number[];
}

export interface MediaView {
  type: string;
  url: string | null;
  previewUrl: string | null;
  description: string | null;
  blurhash?: string | null;
  /** The picture's size as the server measured it, for a placeholder of the right shape. */
  width?: number | null;
  height?: number | null;
}

export interface CardView {
  url: string;
  title: string;
  description: string;
  image: string | null;
  providerName: string;
  blurhash: string | null;
}

export interface PollView {
  options: { title: string; votes: number | null }[];
  multiple: boolean;
  expired: boolean;
  expiresAt: number | null;
  votes: number;
  voters: number | null;
  /** Indexes the person voted for, as the server said when it last sent the poll. */
  ownVotes: number[];
  voted: boolean;
  emojis: EmojiView[];
}

export interface PostView {
  id: number;
  uri: string;
  url: string | null;
  author: AuthorView;
  createdAt: number;
  editedAt: number | null;
  contentHtml: string;
  contentText: string;
  spoilerText: string;
  sensitive: boolean;
  language: string | null;
  visibility: string;
  tags: string[];
  media: MediaView[];
  replies: number;
  reblogs: number;
  favourites: number;
  boostedBy: AuthorView | null;
  /** Ids of the signed-in accounts whose timelines hold this post. */
  seenBy: number[];
  /**
   * Server filters of the person's accounts that match the post and are in force for the home
   * timeline: "warn" shows it behind the filter's title, "blur" hides its media until asked.
   * (Posts a "hide" filter matches never reach a timeline page.)
   */
  filters: { title: string; action: 'warn' | 'blur' }[];
  /** What each signed-in account that knows the post has done with it on Mastodon. */
  own: { accountId: number; favourited: boolean; reblogged: boolean; bookmarked: boolean }[];
  deleted: boolean;
  /** Custom emoji of the content, the content warning and the poll. */
  emojis: EmojiView[];
  /** The people the post mentions, to open them in the app. */
  mentions: { acct: string; url: string }[];
  card: CardView | null;
  poll: PollView | null;
  /** What the post answers: the parent's id here when it is stored, and whom it answers. */
  inReplyTo: { statusId: number | null; acct: string | null } | null;
  /** The post it quotes, when that is stored here. */
  quoteId: number | null;
  /** On ranked pages: why the post is where it is. */
  ranking?: PostRanking;
}

export const RANKING_FEATURES = [
  'author',
  'tags',
  'content',
  'engagement',
  'recency',
  'social',
  'conversation',
  'quiet',
  'language',
  'seen',
  'collaborative',
] as const;
export type RankingFeature = (typeof RANKING_FEATURES)[number];
export const RANKING_PRESETS = [
  'balanced',
  'chronological',
  'friends',
  'discussions',
  'discover',
  'quiet',
] as const;
export type RankingPreset = (typeof RANKING_PRESETS)[number];

export interface PostRanking {
  position: number;
  score: number;
  /** A sentence built from the largest contributions: "You often favourite @ana". */
  reason: string;
  /** The feature the reason names; "more/less like this" act on it. */
  reasonFeature: RankingFeature;
  /** Weight × value of each feature. */
  contributions: Partial<Record<RankingFeature, number>>;
}

export interface RankingSettingsView {
  preset: RankingPreset;
  learning: boolean;
  /** Share of posts from lists, followed hashtags and trends (0 to 1). */
  discoveryShare: number;
  /**
   * Posts the weights were last learned from: of the last two weeks' rankings and pages served, each
   * taken in a day after it was made, those looked at or acted on (every one when views are not
   * recorded).
   */
  examples: number;
  features: {
    feature: RankingFeature;
    /** The preset's weight, or the person's own when `manual`. */
    prior: number;
    manual: boolean;
    /** What learning added. */
    learned: number;
    weight: number;
  }[];
}

export interface RankingSettingsPatch {
  preset?: RankingPreset;
  /** A number sets a weight by hand; null returns it to the preset's. */
  weights?: Partial<Record<RankingFeature, number | null>>;
  learning?: boolean;
  resetLearned?: boolean;
  discoveryShare?: number;
}

export interface ReasonFeedback {
  statusId: number;
  direction: 'more' | 'less';
}

export interface TimelineQuery {
  order: 'ranked' | 'chronological';
  limit?: number;
  /** From the previous page's `nextCursor`. */
  cursor?: string | null;
  accountId?: number;
}

/**
 * Posts stored here, newest first, of one kind: the entries of one timeline ("bookmarks",
 * "favourites", "list:<id>", "tag:<name>"), one author's (by acct), or every post with a hashtag.
 */
export interface PostListQuery {
  /** A timeline of every account, or of one (a list's id is its server's). */
  of: { timeline: TimelineName; accountId?: number } | { author: string } | { tag: string };
  limit?: number;
  cursor?: string | null;
}

export interface NotificationsQuery {
  /** Only these kinds ("mention", "favourite", "reblog", "follow", "poll", "status", "update"…). */
  types?: string[];
  /** Groups, newest first (40 when not said). */
  limit?: number;
}

/** Notifications of one kind about one thing, newest first: "Ana and 4 others favourited your post". */
export interface NotificationGroupView {
  key: string;
  type: string;
  latestAt: number;
  /** The people who did it, newest first (at most 8 of them). */
  accounts: { acct: string; displayName: string; avatarUrl: string | null }[];
  /** How many people did it. */
  count: number;
  postId: number | null;
  post: PostView | null;
}

/** The timelines besides home a person can open by name. */
export interface TimelineSources {
  /** Each account's lists; a list's timeline is "list:<id>" of that account. */
  lists: { accountId: number; id: string; title: string }[];
  /** The hashtags the accounts follow, lower case. */
  tags: string[];
}

/** A post with what it answers above it and what answers it below, as far as is stored. */
export interface ThreadView {
  ancestors: PostView[];
  post: PostView | null;
  /** Depth-first, each reply after the post it answers. */
  descendants: { post: PostView; depth: number }[];
}

export interface TimelinePage {
  posts: PostView[];
  nextCursor: string | null;
}

/** How many posts the home timeline's first page holds: what fills a window, and some. */
export const FIRST_PAGE_SIZE = 20;

/**
 * The data worker's name when the page opens on the home timeline: the worker then reads that
 * timeline's first page (ranked, every account's, FIRST_PAGE_SIZE posts) as it starts, and sends
 * it to the page unasked (`FirstPageMessage`).
 */
export const HOME_FIRST_WORKER = 'corgi-data (home first)';

export const FIRST_PAGE_MESSAGE = 'corgi:first-page';

/**
 * Sent once by a worker named HOME_FIRST_WORKER: what `images.hosts()` and
 * `timeline.page({ order: 'ranked', limit: FIRST_PAGE_SIZE })` answer, read as it started; null
 * when it could not read them (no database yet, nothing ranked, a schema to migrate, …), and the
 * page then asks the engine.
 */
export interface FirstPageMessage {
  type: typeof FIRST_PAGE_MESSAGE;
  first: { hosts: string[]; page: TimelinePage } | null;
}

export const INTERACTION_KINDS = [
  'favourite',
  'boost',
  'reply',
  'bookmark',
  'view',
  'open',
  'dwell',
  'more_like_this',
  'less_like_this',
] as const;
export type InteractionKind = (typeof INTERACTION_KINDS)[number];
/** Kinds that are switched on and off; at most one live row per account, post and kind. */
export const TOGGLE_KINDS: readonly InteractionKind[] = [
  'favourite',
  'boost',
  'bookmark',
  'more_like_this',
  'less_like_this',
];

export interface InteractionInput {
  statusId: number;
  kind: InteractionKind;
  accountId?: number | null;
  at?: number;
  /** Dwell milliseconds; 1 for everything else. */
  value?: number;
  context?: Record<string, string | number | boolean | null>;
}

export const MASTODON_ACTIONS = [
  /** A new post, answering nothing (actions.publish). */
  'post',
  'favourite',
  'unfavourite',
  'reblog',
  'unreblog',
  'bookmark',
  'unbookmark',
  'reply',
  /** Deletes one of the account's own posts: how a sent reply is undone. */
  'delete',
  /** Votes in the post's poll (`choices`). */
  'vote',
  /** Replaces the text of one of the account's own posts (`edit`). */
  'edit',
] as const;
export type MastodonAction = (typeof MASTODON_ACTIONS)[number];

export interface ActionInput {
  /** The account to act through: any signed-in account whose timeline holds the post. */
  accountId: number;
  statusId: number;
  action: MastodonAction;
  reply?: { text: string; spoilerText?: string; visibility?: 'public' | 'unlisted' | 'private' | 'direct' };
  /** A vote's options, by their index in the poll. */
  choices?: number[];
  /** An edit's new text, content warning and language. */
  edit?: { text: string; spoilerText?: string; language?: string | null };
}

/** A new post, written in the app and sent through one of the person's accounts. */
export interface PublishInput {
  accountId: number;
  text: string;
  spoilerText?: string;
  visibility?: 'public' | 'unlisted' | 'private' | 'direct';
  /** ISO 639-1, as the person chose it; the server guesses when absent. */
  language?: string | null;
}

export type OutboxState = 'pending' | 'sending' | 'sent' | 'failed';

/** An action on its way to the server. `failed` ones carry the server's reason. */
export interface OutboxItem {
  id: number;
  accountId: number;
  action: MastodonAction;
  statusId: number | null;
  state: OutboxState;
  attempts: number;
  lastError: string | null;
  createdAt: number;
  remoteId: string | null;
  /** A reply's, a new post's or an edit's text and settings. */
  reply: { text: string; spoilerText?: string; visibility?: string; language?: string | null } | null;
  /** A vote's options. */
  choices: number[] | null;
}

export interface PrivacySettings {
  level: PrivacyLevel;
  retentionDays: number;
}

export interface ExportBundle {
  fileName: string;
  json: string;
  sqlite: Uint8Array;
}

export interface RetentionResult {
  folded: number;
}

/** Keeping posts for a number of months rather than for ever, and what a choice would drop. */
export interface PostRetentionView {
  /** Months posts are kept; null: for ever (the default). */
  keepMonths: number | null;
  posts: number;
  /** The database file's size. */
  databaseBytes: number;
  /**
   * When asked about a number of months: what keeping posts that long would drop now, and about
   * how much room that makes.
   */
  preview: { keepMonths: number | null; posts: number; bytes: number } | null;
  /** When the last background pass finished, and how many posts it dropped. */
  lastRunAt: number | null;
  lastDropped: number;
}

/**
 * syncing: the first sync is under way; live: new posts arrive over the stream; polling: the
 * server has no stream (or it keeps failing), so new posts are asked for every minute or so;
 * needs_sign_in and unreachable as for `Account`.
 */
export type MastodonAccountState =
  'syncing' | 'live' | 'polling' | 'needs_sign_in' | 'unreachable' | 'stopped';

/**
 * Optional parts of the Mastodon API that servers may lack. Each is on until the server's instance
 * document or an endpoint's answer (404, 405, 410, 501) says otherwise; one that is off is asked
 * again a day later.
 */
export const SERVER_FEATURES = [
  'streaming',
  'favourites',
  'bookmarks',
  'notifications',
  'grouped_notifications',
  'filters_v2',
  'filters_v1',
  'mutes',
  'blocks',
  'lists',
  'followed_tags',
  'follows',
  'trends',
  'markers',
  'status_batch',
  'quotes',
  'translation',
  'edit_history',
] as const;
export type ServerFeature = (typeof SERVER_FEATURES)[number];

/** What an account's server is, from its instance document. */
export interface ServerInfo {
  /** Lower case: "mastodon", "gotosocial", "akkoma", "pleroma", "iceshrimp"… */
  software: string;
  softwareVersion: string | null;
  /** The Mastodon version whose API the server claims ("4.5.0"). */
  mastodonVersion: string | null;
  /** `api_versions.mastodon` (2 = Mastodon 4.3, 5 = 4.4, 7 = 4.5). */
  apiVersion: number | null;
  /** Which instance document it answered: 2, or 1 where there is no v2. */
  documentVersion: 1 | 2;
  streamingUrl: string | null;
  maxCharacters: number | null;
  title: string;
}

export interface FeatureState {
  feature: ServerFeature;
  available: boolean;
  /** Why it is off ("GET /api/v2/filters answered 404"), or what settled it. */
  reason: string | null;
  checkedAt: number;
  /** When a feature that is off is asked about again. */
  retryAt: number | null;
}

/** One step of an account's sync: "home", "favourites", "filters", "list:42"… */
export interface SyncStepState {
  step: string;
  lastOkAt: number | null;
  lastError: string | null;
  lastErrorAt: number | null;
  /** Failures in a row; 0 after a success. */
  failures: number;
  /** When it runs next. */
  nextAt: number | null;
}

/** Optional fields a server sent that could not be read, counted by "Entity.field". */
export interface FieldDiagnostic {
  instance: string;
  field: string;
  dropped: number;
  cut: number;
  firstAt: number;
  lastAt: number;
}

export interface MastodonAccountStatus {
  accountId: number;
  acct: string;
  state: MastodonAccountState;
  /** Why the account is in a problem state, in words the person can act on. */
  reason: string | null;
  server: ServerInfo | null;
  /** Features this server lacks, with why: what Corgi does without. */
  featuresOff: FeatureState[];
  /** Steps whose last attempt failed, with the reason and the next try. */
  failingSteps: SyncStepState[];
  /** When requests go again, while the server's rate limit holds them back; else null. */
  pausedUntil: number | null;
}

/**
 * What the screen may call: the only commands the worker exposes to the page. Each command's
 * arguments are parsed at the worker's edge by its schema in `renderer-api-schemas.ts`.
 */
export interface RendererApi {
  status(): Promise<EngineStatus>;
  /** Moves a damaged database aside (kept as a copy) and starts an empty one. */
  recoverDamagedDatabase(): Promise<EngineStatus>;
  accounts: {
    list(): Promise<Account[]>;
    setDefault(accountId: number): Promise<void>;
  };
  ranking: {
    settings(): Promise<RankingSettingsView>;
    update(patch: RankingSettingsPatch): Promise<RankingSettingsView>;
    /** Ranks again from the top, bringing the new posts in. Returns how many posts are ranked. */
    refresh(): Promise<number>;
    /** Posts that arrived since the last ranking. */
    newPosts(): Promise<number>;
    /** "More/less like this" on a post's reason; the not yet shown part is re-ranked at once. */
    feedback(input: ReasonFeedback): Promise<void>;
  };
  timeline: {
    page(query: TimelineQuery): Promise<TimelinePage>;
    /**
     * The posts with these ids as they are now (at most 200), in that order; ids no longer stored
     * are left out. Screens show a page's order as it was served and read its posts again here.
     */
    posts(ids: readonly number[]): Promise<PostView[]>;
    /** Posts of one timeline, one author or one hashtag, newest first. */
    list(query: PostListQuery): Promise<TimelinePage>;
    /** The thread around a post, as far as it is stored. */
    thread(statusId: number): Promise<ThreadView>;
    /** The lists and followed hashtags that can be opened as timelines. */
    sources(): Promise<TimelineSources>;
    /**
     * The person read the home timeline down to this post (the top one on screen, newest first):
     * each account's position moves there unless it is further, and its server hears of it.
     */
    markRead(statusId: number): Promise<void>;
    /** Where the reading of the home timeline stopped (one account's, or the furthest of all). */
    readingPosition(accountId?: number | null): Promise<ReadingPosition | null>;
  };
  mastodon: {
    /**
     * Starts the accounts' sync. `vault` (a comlink proxy of the desktop shell's keychain vault)
     * keeps tokens; without one they are kept in the browser with a non-extractable WebCrypto key.
     */
    start(options?: { vault?: import('./host-api').HostVault }): Promise<void>;
    /**
     * The server's authorize page to send the browser to ("mastodon.social", a URL or @user@host).
     * The desktop passes its loopback listener's redirect URI and the state it waits for.
     */
    startSignIn(
      instance: string,
      options?: { redirectUri?: string; state?: string },
    ): Promise<{ url: string }>;
    /** Completes a sign-in from the URL the server sent the browser back to; syncing starts. */
    finishSignIn(callbackUrl: string): Promise<Account>;
    /** Revokes the token, forgets the credentials and the account. */
    signOut(accountId: number): Promise<void>;
    status(): Promise<MastodonAccountStatus[]>;
    /**
     * Whether the app's window is in front: accounts without a live stream are polled every minute
     * while it is, every five minutes while it is not.
     */
    setForeground(foreground: boolean): Promise<void>;
    /** Tries an account's failing steps, or its server that could not be reached, again now. */
    retryNow(accountId: number): Promise<void>;
    /**
     * Completes a post's thread (what it answers, every reply) from the server of an account that
     * saw it; how many posts the server sent. The thread is then read with timeline.thread.
     */
    fetchThread(statusId: number): Promise<number>;
    /**
     * Someone's profile from the server of one of the person's accounts (the one named, else the
     * default), with how that account stands with them; their newest posts are stored with it.
     */
    profile(acct: string, accountId?: number): Promise<ProfileView>;
    /** Follows, mutes or blocks someone (or undoes it) through one of the person's accounts. */
    relate(input: { accountId: number; acct: string; action: RelationAction }): Promise<RelationshipView>;
    /** Searches the server of the default account: people, hashtags, and posts it can find. */
    searchServer(query: string): Promise<ServerSearchResult>;
    /** The text of one of the person's own posts as written, for editing it. */
    statusSource(statusId: number): Promise<{ text: string; spoilerText: string }>;
  };
  actions: {
    /**
     * Applies the action locally at once and queues it for the server; null when it cancelled a
     * still-waiting opposite (favourite then unfavourite while offline).
     */
    perform(input: ActionInput): Promise<OutboxItem | null>;
    /** Queues a new post for the account's server; it is sent when the account can be reached. */
    publish(input: PublishInput): Promise<OutboxItem>;
    list(states?: readonly OutboxState[]): Promise<OutboxItem[]>;
    /**
     * Takes back an action not yet sent (a reply written offline, say): it is dropped and its
     * local change undone. False when it is already on its way or sent.
     */
    cancel(outboxId: number): Promise<boolean>;
    /** Takes a refused action again (its local change with it); null when that cancelled out. */
    retry(outboxId: number): Promise<OutboxItem | null>;
    /** Forgets a refused action. False when there is no such refused action. */
    dismiss(outboxId: number): Promise<boolean>;
  };
  /** What each account's server offers and how its sync goes. */
  servers: {
    info(accountId: number): Promise<ServerInfo | null>;
    features(accountId: number): Promise<FeatureState[]>;
    steps(accountId: number): Promise<SyncStepState[]>;
    /** Fields servers sent that could not be read, per server; all servers when none is named. */
    diagnostics(instance?: string): Promise<FieldDiagnostic[]>;
  };
  notifications: {
    /** The newest notifications of every account, grouped, newest first. */
    groups(query?: NotificationsQuery): Promise<NotificationGroupView[]>;
    /** Every notification stored has been seen: each account's position moves to its newest. */
    markRead(): Promise<void>;
    /** How many notifications came since they were last seen, here or in another app. */
    unread(): Promise<number>;
  };
  search: {
    posts(query: string, limit?: number): Promise<PostView[]>;
  };
  interactions: {
    record(input: InteractionInput): Promise<boolean>;
    undo(input: InteractionInput): Promise<boolean>;
  };
  storage: {
    /** The setting and what is stored; given `keepMonths`, what keeping posts that long would drop now. */
    retention(keepMonths?: number | null): Promise<PostRetentionView>;
    /** Keeps posts for `keepMonths` months, or for ever (null); dropped in the background. */
    setRetention(keepMonths: number | null): Promise<PostRetentionView>;
  };
  events: {
    /**
     * Hears each committed write's change (through a comlink proxy in the app); returns an id to
     * stop with.
     */
    subscribe(listener: (change: DataChange) => void): Promise<number>;
    unsubscribe(id: number): Promise<void>;
  };
  images: {
    /** The hosts pictures may come from: those the stored posts' media, emoji, cards and avatars name. */
    hosts(): Promise<string[]>;
    /** Adds the hosts of picture addresses the screen was given (a profile's header); how many were new. */
    add(hosts: string[]): Promise<number>;
  };
  privacy: {
    get(): Promise<PrivacySettings>;
    set(settings: Partial<PrivacySettings>): Promise<PrivacySettings>;
    exportEverything(): Promise<ExportBundle>;
    deleteEverything(): Promise<void>;
  };
}

/**
 * What only the engine's own parts call: the Mastodon client's ingest, sync and account state,
 * background embedding and upkeep. The page cannot reach these.
 */
export interface EngineApi {
  accounts: {
    upsert(input: AccountInput): Promise<Account>;
    /**
     * "needs_sign_in" when the server stopped accepting the account's token, "unreachable" when it
     * stops answering, "active" again when it does; `reason` says why, in words the person can
     * act on.
     */
    setState(accountId: number, state: AccountState, reason?: string | null): Promise<void>;
    remove(accountId: number): Promise<void>;
  };
  ingest: {
    statuses(page: IngestPage): Promise<IngestResult>;
    /** Tombstones posts deleted on the server (ids as that account's server knows them). */
    deletions(accountId: number, remoteIds: readonly string[]): Promise<number>;
    /** Stores notifications (Mastodon v1 JSON), each checked on its own, their posts with them. */
    notifications(
      accountId: number,
      notifications: readonly unknown[],
    ): Promise<{ stored: number; rejected: number }>;
    /** The newest stored notification's id on the account's server. */
    newestNotification(accountId: number): Promise<string | null>;
  };
  ranking: {
    /** Embeds up to `limit` posts that lack a vector; 0 when every post has one. */
    embedPending(limit?: number): Promise<number>;
  };
  timeline: {
    gaps(accountId: number, timeline: TimelineName): Promise<TimelineGap[]>;
    /** Logs as served a first page the worker read before the engine was open (first-page.ts). */
    served(postIds: readonly number[], servedAt: number): Promise<void>;
  };
  sync: {
    cursor(accountId: number, source: string): Promise<SyncCursor | null>;
    /** Stores a cursor on its own (for a page with no statuses in it). */
    saveCursor(accountId: number, update: SyncCursorUpdate): Promise<SyncCursor>;
    /** This account's ids of posts created since `sinceMs`, newest first (to refresh counts). */
    recentRemoteIds(accountId: number, sinceMs: number, limit: number): Promise<string[]>;
    /** Replaces the account's server-side filters (Mastodon v2 Filter JSON). */
    saveFilters(accountId: number, filters: readonly unknown[]): Promise<RulesResult>;
    /** Replaces the accounts this account mutes, blocks or follows (Mastodon Account JSON). */
    saveRelations(
      accountId: number,
      kind: 'mute' | 'block' | 'follow',
      accounts: readonly unknown[],
    ): Promise<RulesResult>;
    /** Replaces the account's lists (ids and titles). */
    saveLists(accountId: number, lists: readonly { id: string; title: string }[]): Promise<void>;
    /**
     * Forgets how far the hashtags the account no longer follows were read: they leave the
     * navigation and the ranking's followed hashtags (their posts stay).
     */
    keepFollowedTags(accountId: number, names: readonly string[]): Promise<void>;
    /** Adds or removes one account this account mutes, blocks or follows (after the server agreed). */
    setRelation(
      accountId: number,
      kind: 'mute' | 'block' | 'follow',
      acct: string,
      on: boolean,
    ): Promise<void>;
    /** The stored posts that the account's server knows by these ids, in the same order. */
    statusIdsFor(accountId: number, remoteIds: readonly string[]): Promise<number[]>;
    /** Each reading position read here further than the account's server knows. */
    markersToSend(accountId: number): Promise<{ timeline: 'home' | 'notifications'; lastReadId: string }[]>;
    /** Reading positions as the account's server keeps them. */
    saveServerMarkers(
      accountId: number,
      markers: readonly {
        timeline: 'home' | 'notifications';
        lastReadId: string;
        updatedAt: number | null;
      }[],
    ): Promise<void>;
  };
  /** What the Mastodon client learns of each account's server and sync. */
  servers: {
    /** Stores what the instance document said, and the features it settles. */
    save(
      accountId: number,
      info: ServerInfo,
      raw: unknown,
      features: Partial<Record<ServerFeature, { available: boolean; reason: string }>>,
    ): Promise<void>;
    /** Switches a feature on or off; off ones name why and when to ask again. */
    setFeature(
      accountId: number,
      feature: ServerFeature,
      state: { available: boolean; reason?: string | null; retryAt?: number | null },
    ): Promise<void>;
    /** Records how a step went: `error` null for a success, or with `skipped` for a step not run. */
    recordStep(
      accountId: number,
      step: string,
      outcome: { error: string | null; nextAt: number | null; skipped?: boolean },
    ): Promise<SyncStepState>;
    /** Forgets the records of steps that no longer exist (a list deleted, a hashtag unfollowed). */
    forgetSteps(accountId: number, steps: readonly string[]): Promise<void>;
    /** Counts fields dropped from entities read outside ingest (lists, markers…) for the account's server. */
    recordDiagnostics(accountId: number, dropped: Record<string, number>): Promise<void>;
  };
  /** What the worker does in the background while the person is away. */
  upkeep: {
    /**
     * Reads the next slice of the weekly background check of the database; `done` when it went
     * all the way through (or is not due). A page that cannot be read puts the engine in its
     * damaged state.
     */
    checkIntegrity(): Promise<{ done: boolean; completedAt: number | null }>;
    /**
     * How long since the person last did anything (milliseconds): a command of theirs, not the
     * screen's polling, the sync or upkeep.
     */
    idleMs(): Promise<number>;
    /**
     * The next batch of the daily pass that drops posts older than the months they are kept for
     * (`storage.setRetention`); `done` when the pass went all the way through (or is not due).
     */
    dropOldPosts(): Promise<{ dropped: number; done: boolean }>;
  };
  privacy: {
    applyRetention(now?: number): Promise<RetentionResult>;
  };
}

/**
 * Everything the engine implements, group by group both parts together: what the engine's own
 * parts (the Mastodon client, the CLI), tests and benches call in the same process.
 */
export type WorkerApi = RendererApi & EngineApi;
