/**
 * What the desktop shell offers the renderer through the preload bridge. The preload's object
 * ends with `satisfies HostApi`; in web mode `window.corgiHost` is absent and the renderer falls
 * back to browser behaviour (downloads instead of a save dialog).
 */
export interface SaveFile {
  name: string;
  bytes: Uint8Array;
}

/** Sealed strings by key, kept by the desktop shell with the system keychain. */
export interface HostVault {
  get(key: string): Promise<string | null>;
  set(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
}

export interface HostApi {
  platform: string;
  vault: HostVault;
  /**
   * Starts listening on a loopback port for the sign-in answer carrying `state`; returns the
   * redirect URI to register the sign-in with.
   */
  beginLoopbackSignIn(state: string): Promise<{ redirectUri: string }>;
  /** Opens the server's authorize page in the system browser; resolves with the callback URL. */
  finishLoopbackSignIn(state: string, authorizeUrl: string): Promise<string>;
  /** Asks where to save, then writes the files into that folder; null when cancelled. */
  saveFiles(suggestedFolderName: string, files: SaveFile[]): Promise<string | null>;
  openExternal(url: string): Promise<void>;
}
