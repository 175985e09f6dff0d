/** Builds a benchmark page (an index.html with a module worker) with vite, in a child process. */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');

/** Returns the output directory; a child process keeps vite's memory out of the benchmark's RSS. */
export function buildBenchPage(
  folder: string,
  outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'corgi-bench-')),
): string {
  const config = {
    configFile: false,
    root: path.join(ROOT, folder),
    base: './',
    logLevel: 'warn',
    worker: { format: 'es' },
    build: { outDir, emptyOutDir: true, target: 'es2023', reportCompressedSize: false },
  };
  const script = `import { build } from 'vite'; await build(${JSON.stringify(config)});`;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  if (child.status !== 0) throw new Error(`vite build of ${folder} failed (exit ${child.status})`);
  return outDir;
}
