/**
 * The web edition's token vault: IndexedDB holding each token and app registration encrypted with
 * an AES-GCM key that WebCrypto generated as non-extractable. The key itself is stored in the same
 * database (a CryptoKey survives structured cloning without ever becoming bytes script can read),
 * so the vault works across reloads while nothing on disk or in the page holds a token in clear.
 */
import type { AppRegistration, PendingSignIn } from './oauth';
import type { TokenVault } from './sign-in';

const STORE = 'entries';
const KEY = 'key';

interface Sealed {
  iv: Uint8Array<ArrayBuffer>;
  data: ArrayBuffer;
}

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error ?? new Error('IndexedDB request failed'));
  });
}

export class WebVault implements TokenVault {
  private constructor(
    private readonly db: IDBDatabase,
    private readonly key: CryptoKey,
  ) {}

  static async open(name = 'corgi-vault'): Promise<WebVault> {
    const opening = indexedDB.open(name, 1);
    opening.onupgradeneeded = () => opening.result.createObjectStore(STORE);
    const db = await request(opening);
    let key = (await request(db.transaction(STORE).objectStore(STORE).get(KEY))) as CryptoKey | undefined;
    if (!key) {
      key = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
      await request(db.transaction(STORE, 'readwrite').objectStore(STORE).put(key, KEY));
    }
    return new WebVault(db, key);
  }

  async #get(id: string): Promise<string | null> {
    const sealed = (await request(this.db.transaction(STORE).objectStore(STORE).get(id))) as
      Sealed | undefined;
    if (!sealed) return null;
    const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: sealed.iv }, this.key, sealed.data);
    return new TextDecoder().decode(plain);
  }

  async #put(id: string, value: string): Promise<void> {
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const data = await crypto.subtle.encrypt(
      { name: 'AES-GCM', iv },
      this.key,
      new TextEncoder().encode(value),
    );
    await request(
      this.db
        .transaction(STORE, 'readwrite')
        .objectStore(STORE)
        .put({ iv, data } satisfies Sealed, id),
    );
  }

  async #delete(id: string): Promise<void> {
    await request(this.db.transaction(STORE, 'readwrite').objectStore(STORE).delete(id));
  }

  getToken(accountId: number) {
    return this.#get(`token:${accountId}`);
  }
  setToken(accountId: number, token: string) {
    return this.#put(`token:${accountId}`, token);
  }
  deleteToken(accountId: number) {
    return this.#delete(`token:${accountId}`);
  }
  async getApp(host: string) {
    const json = await this.#get(`app:${host}`);
    return json ? (JSON.parse(json) as AppRegistration) : null;
  }
  setApp(app: AppRegistration) {
    return this.#put(`app:${new URL(app.instanceUrl).host}`, JSON.stringify(app));
  }

  savePending(pending: PendingSignIn) {
    return this.#put(`pending:${pending.state}`, JSON.stringify({ ...pending, at: Date.now() }));
  }
  async takePending(state: string) {
    const json = await this.#get(`pending:${state}`);
    if (!json) return null;
    await this.#delete(`pending:${state}`);
    const pending = JSON.parse(json) as PendingSignIn & { at: number };
    // A sign-in left unfinished for an hour is stale.
    return Date.now() - pending.at < 3_600_000 ? pending : null;
  }

  /** The accounts with a token here. */
  async tokenAccounts(): Promise<number[]> {
    const keys = await request(this.db.transaction(STORE).objectStore(STORE).getAllKeys());
    return keys
      .map(String)
      .filter((k) => k.startsWith('token:'))
      .map((k) => Number(k.slice(6)));
  }

  /** Forgets every token and registration (and the key), as "delete everything" must. */
  async clear(): Promise<void> {
    const name = this.db.name;
    this.db.close();
    await request(indexedDB.deleteDatabase(name));
  }
}
