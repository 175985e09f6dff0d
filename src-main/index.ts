/**
 * The Electron main process: the thin adapter between Electron's APIs and the plain modules
 * beside it.
 */
import { app, BrowserWindow, dialog, ipcMain, net, protocol, safeStorage, shell } from 'electron';
import { pathToFileURL } from 'node:url';
import path from 'node:path';
import { APP_ORIGIN, APP_SCHEME, resolveAppRequest } from './app-protocol';
import { isSafeExternalUrl, saveFilesInto } from './host-actions';
import { SignInHost } from './sign-in-host';
import { DesktopVault } from './token-vault';

protocol.registerSchemesAsPrivileged([
  {
    scheme: APP_SCHEME,
    // codeCache: V8 keeps the compiled code of the app's scripts between starts, as it does for https.
    privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true, codeCache: true },
  },
]);

const rendererRoot = path.join(import.meta.dirname, '../renderer');

function createWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1200,
    height: 860,
    title: 'Corgi',
    webPreferences: {
      preload: path.join(import.meta.dirname, '../preload/index.cjs'),
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
    },
  });
  // Links in posts open in the system browser, never inside the app.
  window.webContents.setWindowOpenHandler(({ url }) => {
    if (isSafeExternalUrl(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  window.webContents.on('will-navigate', (event, url) => {
    if (!url.startsWith(APP_ORIGIN)) event.preventDefault();
  });
  void window.loadURL(process.env.ELECTRON_RENDERER_URL ?? `${APP_ORIGIN}/index.html`);
  return window;
}

void app.whenReady().then(() => {
  protocol.handle(APP_SCHEME, async (request) => {
    const resolved = resolveAppRequest(request.url, rendererRoot);
    if (resolved.kind === 'refused') return new Response(resolved.reason, { status: resolved.status });
    const response = await net.fetch(pathToFileURL(resolved.filePath).toString());
    return new Response(response.body, {
      status: response.status,
      headers: { 'content-type': resolved.contentType },
    });
  });
  ipcMain.handle('corgi:save-files', async (event, folderName: unknown, files: unknown) => {
    const window = BrowserWindow.fromWebContents(event.sender);
    const choice = await dialog.showOpenDialog(window!, {
      title: 'Choose where to save the export',
      properties: ['openDirectory', 'createDirectory'],
    });
    if (choice.canceled || choice.filePaths.length === 0) return null;
    return saveFilesInto(choice.filePaths[0]!, folderName, files);
  });
  ipcMain.handle('corgi:open-external', async (_event, url: unknown) => {
    if (typeof url === 'string' && isSafeExternalUrl(url)) await shell.openExternal(url);
  });
  const signIn = new SignInHost(new DesktopVault(safeStorage, app.getPath('userData')), (url) =>
    shell.openExternal(url),
  );
  ipcMain.handle('corgi:vault-get', (_event, key: unknown) => signIn.vaultGet(key));
  ipcMain.handle('corgi:vault-set', (_event, key: unknown, value: unknown) => signIn.vaultSet(key, value));
  ipcMain.handle('corgi:vault-delete', (_event, key: unknown) => signIn.vaultDelete(key));
  ipcMain.handle('corgi:sign-in-begin', (_event, state: unknown) => signIn.begin(state));
  ipcMain.handle('corgi:sign-in-finish', (_event, state: unknown, url: unknown) => signIn.finish(state, url));
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
