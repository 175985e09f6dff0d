/**
 * What the main process does for the renderer, as plain functions: inputs from the renderer are
 * untrusted and checked here.
 */
import fs from 'node:fs/promises';
import path from 'node:path';

export function isSafeExternalUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' || parsed.protocol === 'mailto:';
  } catch {
    return false;
  }
}

const SAFE_NAME = /^[\w.-]{1,120}$/;

/** Writes export files into `<parent>/<folderName>`; returns the folder written. */
export async function saveFilesInto(parent: string, folderName: unknown, files: unknown): Promise<string> {
  if (typeof folderName !== 'string' || !SAFE_NAME.test(folderName) || folderName.startsWith('.')) {
    throw new Error('Refused: not a plain folder name.');
  }
  if (!Array.isArray(files)) throw new Error('Refused: files must be a list.');
  const folder = path.join(parent, folderName);
  await fs.mkdir(folder, { recursive: true });
  for (const file of files as unknown[]) {
    const { name, bytes } = (file ?? {}) as { name?: unknown; bytes?: unknown };
    if (typeof name !== 'string' || !SAFE_NAME.test(name) || name.startsWith('.')) {
      throw new Error('Refused: not a plain file name.');
    }
    if (!(bytes instanceof Uint8Array)) throw new Error('Refused: file contents must be bytes.');
    await fs.writeFile(path.join(folder, name), bytes);
  }
  return folder;
}
