/**
 * The desktop shell's part in signing in, as plain functions over injected Electron pieces: a
 * loopback listener per sign-in (by its state), the authorize page opened in the system browser,
 * and the keychain vault. Inputs come from the renderer and are checked here.
 */
import { startLoopbackSignIn, type LoopbackSignIn } from './oauth-loopback';
import type { DesktopVault } from './token-vault';

const KEY = /^(token:\d+|app:[\w.:[\]-]{1,260}|pending:[\w-]{8,128})$/;
const STATE = /^[\w-]{8,128}$/;

export class SignInHost {
  readonly #listeners = new Map<string, LoopbackSignIn>();

  constructor(
    private readonly vault: DesktopVault,
    private readonly openExternal: (url: string) => Promise<void>,
  ) {}

  #key(key: unknown): string {
    if (typeof key !== 'string' || !KEY.test(key))
      throw new Error(`Refused: not a vault key (${String(key).slice(0, 40)}).`);
    return key;
  }

  async vaultGet(key: unknown): Promise<string | null> {
    return this.vault.get(this.#key(key));
  }

  async vaultSet(key: unknown, value: unknown): Promise<void> {
    if (typeof value !== 'string' || value.length > 64_000) throw new Error('Refused: not a vault value.');
    return this.vault.set(this.#key(key), value);
  }

  async vaultDelete(key: unknown): Promise<void> {
    return this.vault.delete(this.#key(key));
  }

  async begin(state: unknown): Promise<{ redirectUri: string }> {
    if (typeof state !== 'string' || !STATE.test(state)) throw new Error('Refused: not a sign-in state.');
    this.#listeners.get(state)?.close();
    const listener = await startLoopbackSignIn({ state });
    this.#listeners.set(state, listener);
    return { redirectUri: listener.redirectUri };
  }

  async finish(state: unknown, authorizeUrl: unknown): Promise<string> {
    const listener = typeof state === 'string' ? this.#listeners.get(state) : undefined;
    if (!listener) throw new Error('Refused: no sign-in is waiting with that state.');
    let url: URL;
    try {
      url = new URL(String(authorizeUrl));
    } catch {
      throw new Error('Refused: not an address.');
    }
    if (
      url.protocol !== 'https:' &&
      !(url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname))
    ) {
      listener.close();
      throw new Error('Refused: a server is signed in to over https.');
    }
    try {
      await this.openExternal(url.href);
      return await listener.callback;
    } finally {
      this.#listeners.delete(state as string);
      listener.close();
    }
  }
}
