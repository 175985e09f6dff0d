import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DesktopVault } from './token-vault';
import { keychain } from '../test/support/keychain';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corgi-vault-'));
  dirs.push(dir);
  return dir;
}

describe('the desktop token vault', () => {
  it('keeps tokens encrypted on disk and gives them back after a restart', async () => {
    const dir = tempDir();
    const storage = keychain();
    const vault = new DesktopVault(storage, dir);
    const token = 'ZA-Yj3aBD8U8Cm7lKUp-lm9O9BmDgdhHzDeqsY8tlL0';
    await Promise.all([
      vault.set('token:1', token),
      vault.set('token:2', 'second'),
      vault.set('app:x', '{"a":1}'),
    ]);
    const onDisk = fs.readFileSync(path.join(dir, 'vault.json'), 'utf8');
    expect(onDisk).not.toContain(token);
    expect(onDisk).not.toContain('second');
    const reopened = new DesktopVault(storage, dir);
    expect(await reopened.get('token:1')).toBe(token);
    expect(await reopened.get('token:2')).toBe('second');
    await reopened.delete('token:1');
    expect(await reopened.get('token:1')).toBeNull();
    expect(await reopened.get('token:2')).toBe('second');
  });

  it('refuses to store a token when the keychain is unavailable, and writes nothing', async () => {
    const dir = tempDir();
    const vault = new DesktopVault(keychain(false), dir);
    await expect(vault.set('token:1', 'secret')).rejects.toThrow(/keychain is not available/);
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});
