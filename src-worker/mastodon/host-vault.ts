/**
 * A TokenVault over a host's string store: on the desktop, the main process's keychain-sealed
 * vault reached through the preload bridge. Registrations and waiting sign-ins are kept as JSON.
 */
import type { AppRegistration, PendingSignIn } from './oauth';
import type { TokenVault } from './sign-in';

/** What the host offers: sealed strings by key. */
export interface StringStore {
  get(key: string): Promise<string | null>;
  set(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
}

export class HostVault implements TokenVault {
  constructor(private readonly store: StringStore) {}

  getToken(accountId: number) {
    return this.store.get(`token:${accountId}`);
  }
  setToken(accountId: number, token: string) {
    return this.store.set(`token:${accountId}`, token);
  }
  deleteToken(accountId: number) {
    return this.store.delete(`token:${accountId}`);
  }
  async getApp(host: string) {
    const json = await this.store.get(`app:${host}`);
    return json ? (JSON.parse(json) as AppRegistration) : null;
  }
  setApp(app: AppRegistration) {
    return this.store.set(`app:${new URL(app.instanceUrl).host}`, JSON.stringify(app));
  }
  savePending(pending: PendingSignIn) {
    return this.store.set(`pending:${pending.state}`, JSON.stringify(pending));
  }
  async takePending(state: string) {
    const json = await this.store.get(`pending:${state}`);
    if (!json) return null;
    await this.store.delete(`pending:${state}`);
    return JSON.parse(json) as PendingSignIn;
  }
}
