/**
 * One store, typed slices, one import point. Slices talk to the worker through the engine slice.
 */
import * as Comlink from 'comlink';
import { create, type StateCreator } from 'zustand';
import type { EngineClient } from '../engine-client';
import type {
  Account,
  ActionInput,
  MastodonAction,
  OutboxItem,
  MastodonAccountStatus,
  EngineErrorShape,
  EngineStatus,
  PostView,
  PrivacySettings,
  RankingSettingsPatch,
  RankingSettingsView,
  TimelineQuery,
} from '../../src-shared/worker-api';
import { engineErrorOf } from '../../src-shared/engine-errors';
import { desktopHost } from '../host';

export interface EngineSlice {
  api: EngineClient | null;
  status: EngineStatus | null;
  error: EngineErrorShape | null;
  connect(api: EngineClient): Promise<void>;
  refreshStatus(): Promise<void>;
  recover(): Promise<void>;
  report(error: unknown): void;
}

export interface TimelineSlice {
  order: TimelineQuery['order'];
  posts: PostView[];
  nextCursor: string | null;
  loading: boolean;
  loadFirstPage(): Promise<void>;
  loadMore(): Promise<void>;
  setOrder(order: TimelineQuery['order']): Promise<void>;
}

export interface RankingSlice {
  ranking: RankingSettingsView | null;
  /** Posts that arrived since the feed was ranked, waiting behind "new posts". */
  newPosts: number;
  /** Counts the rankings shown since the app opened. */
  rankings: number;
  /** What "more/less like this" last did, to say so on the card. */
  feedbackDone: Record<number, 'more' | 'less'>;
  loadRanking(): Promise<void>;
  updateRanking(patch: RankingSettingsPatch): Promise<void>;
  checkNewPosts(): Promise<void>;
  showNewPosts(): Promise<void>;
  feedback(post: PostView, direction: 'more' | 'less'): Promise<void>;
  /** Records once per post that it was on screen (the ranker's "already seen"). */
  recordView(post: PostView): void;
}

export interface SearchSlice {
  query: string;
  results: PostView[] | null;
  search(query: string): Promise<void>;
}

export interface PrivacySlice {
  privacy: PrivacySettings | null;
  loadPrivacy(): Promise<void>;
  updatePrivacy(settings: Partial<PrivacySettings>): Promise<void>;
  deleteEverything(): Promise<void>;
}

export interface AccountsSlice {
  accounts: Account[];
  /** Actions the server refused, with its reasons. */
  failedActions: OutboxItem[];
  /** Favourite, boost or bookmark (or undo) a post, through the account that should act. */
  act(post: PostView, action: Exclude<MastodonAction, 'reply' | 'delete'>, accountId?: number): Promise<void>;
  /** Replies to a post through the account that should act; true once queued. */
  reply(post: PostView, reply: NonNullable<ActionInput['reply']>, accountId?: number): Promise<boolean>;
  syncing: MastodonAccountStatus[];
  signingIn: boolean;
  loadAccounts(): Promise<void>;
  /** Sends the browser to the server's authorize page. */
  signIn(instance: string, go?: (url: string) => void): Promise<void>;
  /** Finishes a sign-in when the page was opened by the server's redirect; true when it did. */
  completeSignIn(pageUrl: string): Promise<boolean>;
  signOut(accountId: number): Promise<void>;
  /** Tries an account's failing steps, or its unreachable server, again now. */
  retryNow(accountId: number): Promise<void>;
}

export type AppState = EngineSlice &
  TimelineSlice &
  RankingSlice &
  SearchSlice &
  PrivacySlice &
  AccountsSlice;

const PAGE_SIZE = 40;

function requireApi(get: () => AppState): EngineClient {
  const api = get().api;
  if (!api) throw new Error('The data engine is not started.');
  return api;
}

const createEngineSlice: StateCreator<AppState, [], [], EngineSlice> = (set, get) => ({
  api: null,
  status: null,
  error: null,
  async connect(api) {
    set({ api, error: null });
    await get().refreshStatus();
    if (get().status?.state === 'ready') {
      // Tokens go to the desktop shell's keychain vault when there is one.
      const vault = desktopHost()?.vault;
      await api.mastodon
        .start(vault ? { vault: Comlink.proxy(vault) } : {})
        .catch((error: unknown) => get().report(error));
      await Promise.all([
        get().loadFirstPage(),
        get().loadPrivacy(),
        get().loadAccounts(),
        get().loadRanking(),
      ]);
    }
  },
  async refreshStatus() {
    try {
      set({ status: await requireApi(get).status() });
    } catch (error) {
      get().report(error);
    }
  },
  async recover() {
    try {
      set({ status: await requireApi(get).recoverDamagedDatabase(), error: null });
      await get().loadFirstPage();
    } catch (error) {
      get().report(error);
    }
  },
  report(error) {
    set({ error: engineErrorOf(error) });
  },
});

const createTimelineSlice: StateCreator<AppState, [], [], TimelineSlice> = (set, get) => ({
  order: 'ranked',
  posts: [],
  nextCursor: null,
  loading: false,
  async loadFirstPage() {
    set({ loading: true });
    try {
      const [page, status] = await Promise.all([
        requireApi(get).timeline.page({ order: get().order, limit: PAGE_SIZE }),
        requireApi(get).status(),
      ]);
      set({ posts: page.posts, nextCursor: page.nextCursor, status });
    } catch (error) {
      get().report(error);
    } finally {
      set({ loading: false });
    }
  },
  async loadMore() {
    const { nextCursor, loading } = get();
    if (!nextCursor || loading) return;
    set({ loading: true });
    try {
      const page = await requireApi(get).timeline.page({
        order: get().order,
        limit: PAGE_SIZE,
        cursor: nextCursor,
      });
      set({ posts: [...get().posts, ...page.posts], nextCursor: page.nextCursor });
    } catch (error) {
      get().report(error);
    } finally {
      set({ loading: false });
    }
  },
  async setOrder(order) {
    set({ order });
    await get().loadFirstPage();
  },
});

const viewed = new Set<number>();

const createRankingSlice: StateCreator<AppState, [], [], RankingSlice> = (set, get) => ({
  ranking: null,
  newPosts: 0,
  rankings: 0,
  feedbackDone: {},
  async loadRanking() {
    try {
      set({ ranking: await requireApi(get).ranking.settings() });
    } catch (error) {
      get().report(error);
    }
  },
  async updateRanking(patch) {
    try {
      set({ ranking: await requireApi(get).ranking.update(patch), newPosts: 0 });
      await get().loadFirstPage();
    } catch (error) {
      get().report(error);
    }
  },
  async checkNewPosts() {
    if (get().order !== 'ranked') return;
    try {
      set({ newPosts: await requireApi(get).ranking.newPosts() });
    } catch (error) {
      get().report(error);
    }
  },
  async showNewPosts() {
    try {
      await requireApi(get).ranking.refresh();
      set({ newPosts: 0 });
      await Promise.all([get().loadFirstPage(), get().loadRanking()]);
      set({ rankings: get().rankings + 1 });
    } catch (error) {
      get().report(error);
    }
  },
  async feedback(post, direction) {
    try {
      await requireApi(get).ranking.feedback({ statusId: post.id, direction });
      set({ feedbackDone: { ...get().feedbackDone, [post.id]: direction } });
      await get().loadRanking();
    } catch (error) {
      get().report(error);
    }
  },
  recordView(post) {
    if (viewed.has(post.id)) return;
    viewed.add(post.id);
    requireApi(get)
      .interactions.record({ statusId: post.id, kind: 'view' })
      .catch((error: unknown) => get().report(error));
  },
});

const createSearchSlice: StateCreator<AppState, [], [], SearchSlice> = (set, get) => ({
  query: '',
  results: null,
  async search(query) {
    set({ query });
    if (query.trim() === '') return set({ results: null });
    try {
      const results = await requireApi(get).search.posts(query, 50);
      // A slower answer to an older query must not replace a newer one.
      if (get().query === query) set({ results });
    } catch (error) {
      get().report(error);
    }
  },
});

const createPrivacySlice: StateCreator<AppState, [], [], PrivacySlice> = (set, get) => ({
  privacy: null,
  async loadPrivacy() {
    try {
      set({ privacy: await requireApi(get).privacy.get() });
    } catch (error) {
      get().report(error);
    }
  },
  async updatePrivacy(settings) {
    try {
      set({ privacy: await requireApi(get).privacy.set(settings), error: null });
    } catch (error) {
      get().report(error);
    }
  },
  async deleteEverything() {
    try {
      await requireApi(get).privacy.deleteEverything();
      set({ posts: [], nextCursor: null, results: null, query: '' });
      await Promise.all([get().refreshStatus(), get().loadPrivacy()]);
    } catch (error) {
      get().report(error);
    }
  },
});

/** The account to act through: the default one when it knows the post, else the first that does. */
export function actingAccount(post: PostView, accounts: Account[]): number | null {
  const knows = new Set(post.own.map((o) => o.accountId));
  const preferred = accounts.find((a) => a.isDefault && knows.has(a.id) && a.state === 'active');
  return preferred?.id ?? accounts.find((a) => knows.has(a.id) && a.state === 'active')?.id ?? null;
}

const FLAG: Record<
  Exclude<MastodonAction, 'reply' | 'delete'>,
  ['favourited' | 'reblogged' | 'bookmarked', boolean]
> = {
  favourite: ['favourited', true],
  unfavourite: ['favourited', false],
  reblog: ['reblogged', true],
  unreblog: ['reblogged', false],
  bookmark: ['bookmarked', true],
  unbookmark: ['bookmarked', false],
};

const createAccountsSlice: StateCreator<AppState, [], [], AccountsSlice> = (set, get) => ({
  accounts: [],
  failedActions: [],
  async reply(post, reply, chosen) {
    const accountId = chosen ?? actingAccount(post, get().accounts);
    if (accountId === null) {
      get().report(new Error('No signed-in account can reply to this post.'));
      return false;
    }
    try {
      await requireApi(get).actions.perform({ accountId, statusId: post.id, action: 'reply', reply });
      return true;
    } catch (error) {
      get().report(error);
      return false;
    }
  },
  async act(post, action, chosen) {
    const accountId = chosen ?? actingAccount(post, get().accounts);
    if (accountId === null) return get().report(new Error('No signed-in account can act on this post.'));
    const [flag, on] = FLAG[action];
    // Shown at once; the worker has applied it too, and sends it when it can.
    const update = (p: PostView): PostView =>
      p.id !== post.id
        ? p
        : {
            ...p,
            own: p.own.map((o) => (o.accountId === accountId ? { ...o, [flag]: on } : o)),
            favourites: flag === 'favourited' ? Math.max(0, p.favourites + (on ? 1 : -1)) : p.favourites,
            reblogs: flag === 'reblogged' ? Math.max(0, p.reblogs + (on ? 1 : -1)) : p.reblogs,
          };
    try {
      await requireApi(get).actions.perform({ accountId, statusId: post.id, action });
      set({ posts: get().posts.map(update), results: get().results?.map(update) ?? null });
    } catch (error) {
      get().report(error);
    }
  },
  syncing: [],
  signingIn: false,
  async loadAccounts() {
    try {
      const api = requireApi(get);
      const [accounts, syncing, failedActions] = await Promise.all([
        api.accounts.list(),
        api.mastodon.status(),
        api.actions.list(['failed']),
      ]);
      set({ accounts, syncing, failedActions });
    } catch (error) {
      get().report(error);
    }
  },
  async signIn(instance, go = (url) => window.location.assign(url)) {
    set({ signingIn: true });
    const api = requireApi(get);
    const host = desktopHost();
    try {
      if (host) {
        // Desktop: the system browser, and the answer on a loopback port.
        const state = crypto.randomUUID();
        const { redirectUri } = await host.beginLoopbackSignIn(state);
        const { url } = await api.mastodon.startSignIn(instance, { redirectUri, state });
        await api.mastodon.finishSignIn(await host.finishLoopbackSignIn(state, url));
        await get().loadAccounts();
        set({ signingIn: false });
        return;
      }
      // Web: this page goes to the server and comes back with the answer.
      const { url } = await api.mastodon.startSignIn(instance);
      go(url);
    } catch (error) {
      set({ signingIn: false });
      get().report(error);
    }
  },
  async completeSignIn(pageUrl) {
    const params = new URL(pageUrl).searchParams;
    if (!params.has('state') || (!params.has('code') && !params.has('error'))) return false;
    set({ signingIn: true });
    try {
      await requireApi(get).mastodon.finishSignIn(pageUrl);
      await get().loadAccounts();
    } catch (error) {
      get().report(error);
    } finally {
      set({ signingIn: false });
    }
    return true;
  },
  async signOut(accountId) {
    try {
      await requireApi(get).mastodon.signOut(accountId);
      await Promise.all([get().loadAccounts(), get().loadFirstPage()]);
    } catch (error) {
      get().report(error);
    }
  },
  async retryNow(accountId) {
    try {
      await requireApi(get).mastodon.retryNow(accountId);
      await get().loadAccounts();
    } catch (error) {
      get().report(error);
    }
  },
});

export const useAppStore = create<AppState>()((...a) => ({
  ...createAccountsSlice(...a),
  ...createEngineSlice(...a),
  ...createTimelineSlice(...a),
  ...createRankingSlice(...a),
  ...createSearchSlice(...a),
  ...createPrivacySlice(...a),
}));
