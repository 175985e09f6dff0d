import { afterEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isSafeExternalUrl, saveFilesInto } from './host-actions';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corgi-save-'));
  dirs.push(dir);
  return dir;
}
const bytes = (text: string) => new TextEncoder().encode(text);

describe('links from posts', () => {
  it('opens web and mail links in the system browser', () => {
    expect(isSafeExternalUrl('https://mastodon.social/@Gargron')).toBe(true);
    expect(isSafeExternalUrl('http://example.com/')).toBe(true);
    expect(isSafeExternalUrl('mailto:someone@example.com')).toBe(true);
  });

  it('refuses anything that could run something locally', () => {
    for (const url of [
      'file:///etc/passwd',
      'javascript:alert(1)',
      'smb://host/share',
      'app://corgi/',
      'nonsense',
    ]) {
      expect(isSafeExternalUrl(url), url).toBe(false);
    }
  });
});

describe('saving an export', () => {
  it('writes every file into a new folder of the chosen place', async () => {
    const parent = tempDir();
    const folder = await saveFilesInto(parent, 'corgi-export-2026-11-23', [
      { name: 'corgi-export-2026-11-23.json', bytes: bytes('{}') },
      { name: 'corgi-export-2026-11-23.sqlite', bytes: bytes('SQLite format 3\0') },
    ]);
    expect(folder).toBe(path.join(parent, 'corgi-export-2026-11-23'));
    expect(fs.readdirSync(folder).sort()).toEqual([
      'corgi-export-2026-11-23.json',
      'corgi-export-2026-11-23.sqlite',
    ]);
    expect(fs.readFileSync(path.join(folder, 'corgi-export-2026-11-23.json'), 'utf8')).toBe('{}');
  });

  it('refuses names that climb out of the folder or hide, and writes nothing', async () => {
    const parent = tempDir();
    const good = { name: 'a.json', bytes: bytes('{}') };
    await expect(saveFilesInto(parent, '../escape', [good])).rejects.toThrow(/plain folder name/);
    await expect(saveFilesInto(parent, '.hidden', [good])).rejects.toThrow(/plain folder name/);
    await expect(
      saveFilesInto(parent, 'export', [good, { name: '../../x', bytes: bytes('') }]),
    ).rejects.toThrow(/plain file name/);
    await expect(saveFilesInto(parent, 'export', [good, { name: 'b.json', bytes: 'text' }])).rejects.toThrow(
      /must be bytes/,
    );
    await expect(saveFilesInto(parent, 'export', [good, good])).rejects.toThrow(/two files with one name/);
    await expect(saveFilesInto(parent, 'export', [])).rejects.toThrow(/non-empty list/);
    expect(fs.readdirSync(parent)).toEqual([]);
  });
});
