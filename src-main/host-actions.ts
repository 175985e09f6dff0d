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

/**
 * Writes export files into `<parent>/<folderName>`; returns the folder written. Every name and
 * content is checked before anything is written, so a refused request leaves nothing behind.
 */
export async function saveFilesInto(parent: string, folderName: unknown, files: unknown): Promise<string> {
  if (typeof folderName !== 'string' || !isPlainName(folderName)) {
    throw new Error('Refused: not a plain folder name.');
  }
  if (!Array.isArray(files) || files.length === 0)
    throw new Error('Refused: files must be a non-empty list.');
  const checked = (files as unknown[]).map((file) => {
    const { name, bytes } = (file ?? {}) as { name?: unknown; bytes?: unknown };
    if (typeof name !== 'string' || !isPlainName(name)) throw new Error('Refused: not a plain file name.');
    if (!(bytes instanceof Uint8Array)) throw new Error('Refused: file contents must be bytes.');
    return { name, bytes };
  });
  if (new Set(checked.map((f) => f.name)).size !== checked.length) {
    throw new Error('Refused: two files with one name.');
  }
  const folder = path.join(parent, folderName);
  await fs.mkdir(folder, { recursive: true });
  for (const { name, bytes } of checked) await fs.writeFile(path.join(folder, name), bytes);
  return folder;
}

function isPlainName(name: string): boolean {
  return SAFE_NAME.test(name) && !name.startsWith('.');
}
