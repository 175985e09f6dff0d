/**
 * The desktop package: electron-builder packs the built app with the configuration in
 * electron-builder.yml. Electron's own binary is replaced by a stand-in (packing only copies it), so
 * this checks what Corgi ships, not Electron.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import asar from '@electron/asar';

const ROOT = path.join(import.meta.dirname, '../..');
const BIN = path.join(ROOT, 'node_modules', '.bin');
let files: string[];
let unpacked: string;
let work: string;

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'corgi-pack-'));
  const electronDist = path.join(work, 'electron-dist');
  fs.mkdirSync(electronDist);
  fs.writeFileSync(path.join(electronDist, 'electron'), '#!/bin/sh\n', { mode: 0o755 });
  const run = (bin: string, args: string[]) =>
    execFileSync(path.join(BIN, bin), args, { cwd: ROOT, stdio: 'pipe', env: { ...process.env, CI: '1' } });
  run('electron-vite', ['build']);
  run('electron-builder', [
    '--dir',
    '--linux',
    '--publish',
    'never',
    `-c.electronDist=${electronDist}`,
    `-c.directories.output=${path.join(work, 'release')}`,
  ]);
  unpacked = path.join(work, 'release', 'linux-unpacked');
  files = asar.listPackage(path.join(unpacked, 'resources', 'app.asar'), { isPack: false });
}, 180_000);
afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe('the desktop package', () => {
  it('holds the main process, the sandboxed preload and the whole renderer with its SQLite', () => {
    expect(files).toContain('/out/main/index.js');
    expect(files).toContain('/out/preload/index.cjs');
    expect(files).toContain('/out/renderer/index.html');
    expect(files.some((f) => /^\/out\/renderer\/assets\/worker-.*\.js$/.test(f))).toBe(true);
    expect(files.some((f) => /^\/out\/renderer\/assets\/wa-sqlite-.*\.wasm$/.test(f))).toBe(true);
  });

  it('ships no source, tests, source maps or node_modules', () => {
    const strays = files.filter((f) => /^\/(src-|test|bench|node_modules)|\.map$/.test(f));
    expect(strays).toEqual([]);
  });

  it('names the executable after the product', () => {
    expect(fs.existsSync(path.join(unpacked, 'corgi'))).toBe(true);
  });
});
