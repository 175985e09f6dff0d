import type { HostVault } from '../../src-shared/host-api';
import type {
  Account,
  MastodonAccountStatus,
  ProfileView,
  RelationAction,
  RelationshipView,
  ServerSearchResult,
  WorkerApi,
} from '../../src-shared/worker-api';
import { EngineError } from '../errors';
import type { CommandContext } from './context';

/** The Mastodon side of the API, where the platform provides one (the app's worker). */
export interface MastodonCommands {
  start(options?: { vault?: HostVault }): Promise<void>;
  startSignIn(instance: string, options?: { redirectUri?: string; state?: string }): Promise<{ url: string }>;
  finishSignIn(callbackUrl: string): Promise<Account>;
  signOut(accountId: number): Promise<void>;
  status(): Promise<MastodonAccountStatus[]>;
  setForeground(foreground: boolean): void;
  retryNow(accountId: number): void;
  fetchThread(statusId: number): Promise<number>;
  profile(acct: string, accountId?: number): Promise<ProfileView>;
  relate(input: { accountId: number; acct: string; action: RelationAction }): Promise<RelationshipView>;
  searchServer(query: string): Promise<ServerSearchResult>;
  statusSource(statusId: number): Promise<{ text: string; spoilerText: string }>;
  kick(): void;
  kickMarkers(): void;
  forgetEverything(): Promise<void>;
}

function unavailable(): never {
  throw new EngineError('not_found', 'Signing in to Mastodon is not available here.');
}

export function mastodonCommands({ mastodon }: CommandContext): WorkerApi['mastodon'] {
  return {
    start: async (options) => (mastodon ?? unavailable)().start(options),
    startSignIn: async (instance, options) => (mastodon ?? unavailable)().startSignIn(instance, options),
    finishSignIn: async (url) => (mastodon ?? unavailable)().finishSignIn(url),
    signOut: async (accountId) => (mastodon ?? unavailable)().signOut(accountId),
    status: async () => (mastodon ? mastodon().status() : []),
    setForeground: async (foreground) => mastodon?.().setForeground(foreground === true),
    retryNow: async (accountId) => mastodon?.().retryNow(accountId),
    fetchThread: async (statusId) => (mastodon ?? unavailable)().fetchThread(statusId),
    profile: async (acct, accountId) => (mastodon ?? unavailable)().profile(acct, accountId),
    relate: async (input) => (mastodon ?? unavailable)().relate(input),
    searchServer: async (query) => (mastodon ?? unavailable)().searchServer(query),
    statusSource: async (statusId) => (mastodon ?? unavailable)().statusSource(statusId),
  };
}
