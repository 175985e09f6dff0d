/**
 * The desktop token vault: access tokens and app registrations in one file in the app's data
 * folder, each value encrypted with the operating system's keychain (Electron's safeStorage,
 * passed in). Nothing is written when encryption is unavailable: a token is never stored in clear.
 */
import fs from 'node:fs/promises';
import path from 'node:path';

/** The part of Electron's safeStorage the vault uses. */
export interface SafeStorage {
  isEncryptionAvailable(): boolean;
  encryptString(plain: string): Buffer;
  decryptString(encrypted: Buffer): string;
}

type Entries = Record<string, string>;

export class DesktopVault {
  readonly #file: string;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly safeStorage: SafeStorage,
    directory: string,
  ) {
    this.#file = path.join(directory, 'vault.json');
  }

  async #read(): Promise<Entries> {
    try {
      return JSON.parse(await fs.readFile(this.#file, 'utf8')) as Entries;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw new Error('The token vault could not be read; sign in again to replace it.');
    }
  }

  /** Writes through a temporary file, one change at a time. */
  #change(apply: (entries: Entries) => void): Promise<void> {
    const next = this.#queue.then(async () => {
      const entries = await this.#read();
      apply(entries);
      const temp = `${this.#file}.${process.pid}.tmp`;
      await fs.mkdir(path.dirname(this.#file), { recursive: true });
      await fs.writeFile(temp, JSON.stringify(entries), { mode: 0o600 });
      await fs.rename(temp, this.#file);
    });
    this.#queue = next.catch(() => undefined);
    return next;
  }

  async get(key: string): Promise<string | null> {
    await this.#queue;
    const sealed = (await this.#read())[key];
    if (sealed === undefined) return null;
    return this.safeStorage.decryptString(Buffer.from(sealed, 'base64'));
  }

  set(key: string, value: string): Promise<void> {
    if (!this.safeStorage.isEncryptionAvailable())
      return Promise.reject(
        new Error('The system keychain is not available, so Corgi cannot keep a token safely.'),
      );
    const sealed = this.safeStorage.encryptString(value).toString('base64');
    return this.#change((entries) => {
      entries[key] = sealed;
    });
  }

  delete(key: string): Promise<void> {
    return this.#change((entries) => {
      delete entries[key];
    });
  }
}
