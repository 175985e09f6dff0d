import { contextBridge, ipcRenderer } from 'electron';
import type { HostApi } from '../src-shared/host-api';

const host = {
  platform: process.platform,
  saveFiles: (folderName, files) => ipcRenderer.invoke('corgi:save-files', folderName, files),
  openExternal: (url) => ipcRenderer.invoke('corgi:open-external', url),
  vault: {
    get: (key) => ipcRenderer.invoke('corgi:vault-get', key),
    set: (key, value) => ipcRenderer.invoke('corgi:vault-set', key, value),
    delete: (key) => ipcRenderer.invoke('corgi:vault-delete', key),
  },
  beginLoopbackSignIn: (state) => ipcRenderer.invoke('corgi:sign-in-begin', state),
  finishLoopbackSignIn: (state, authorizeUrl) =>
    ipcRenderer.invoke('corgi:sign-in-finish', state, authorizeUrl),
} satisfies HostApi;

contextBridge.exposeInMainWorld('corgiHost', host);
