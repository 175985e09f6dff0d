/**
 * What the desktop shell offers the renderer through the preload bridge. The preload's object
 * ends with `satisfies HostApi`; in web mode `window.corgiHost` is absent and the renderer falls
 * back to browser behaviour (downloads instead of a save dialog).
 */
export interface SaveFile {
  name: string;
  bytes: Uint8Array;
}

export interface HostApi {
  platform: string;
  /** Asks where to save, then writes the files into that folder; null when cancelled. */
  saveFiles(suggestedFolderName: string, files: SaveFile[]): Promise<string | null>;
  openExternal(url: string): Promise<void>;
}
