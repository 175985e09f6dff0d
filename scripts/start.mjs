// `npm start`: runs the desktop app built by `electron-vite build`. Electron's own binary is fetched
// on first start (npm install leaves it out, so installing never depends on reaching Electron's
// download host). Where Electron cannot be fetched or run, Corgi starts its web edition instead:
// the same renderer and data engine, served on localhost for any current browser.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

function electronBinary() {
  if (process.env.CORGI_WEB === '1') return { reason: 'CORGI_WEB=1 asks for the web edition' };
  try {
    // Resolving the package downloads the binary when it is missing, and throws if it cannot.
    return { binary: require('electron') };
  } catch (error) {
    const detail = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return { reason: `Electron's binary is not installed and could not be downloaded: ${detail}` };
  }
}

function run(command, args, env = process.env) {
  const child = spawn(command, args, { cwd: root, stdio: 'inherit', env });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 0)));
  return child;
}

const { binary, reason } = electronBinary();
if (binary) {
  const child = run(binary, ['.']);
  child.on('error', (error) => {
    console.error(`Corgi: Electron would not start (${error.message}).`);
    startWeb();
  });
} else {
  console.error(`Corgi: the desktop app cannot start here (${reason}).`);
  startWeb();
}

function startWeb() {
  console.error('Corgi: starting the web edition instead; open the address below in a current browser.');
  const vite = path.join(root, 'node_modules', 'vite', 'bin', 'vite.js');
  run(process.execPath, [vite, '--config', 'vite.web.config.ts']);
}
