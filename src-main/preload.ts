import { contextBridge, ipcRenderer } from 'electron';
import type { HostApi } from '../src-shared/host-api';

const host = {
  platform: process.platform,
  saveFiles: (folderName, files) => ipcRenderer.invoke('corgi:save-files', folderName, files),
  openExternal: (url) => ipcRenderer.invoke('corgi:open-external', url),
} satisfies HostApi;

contextBridge.exposeInMainWorld('corgiHost', host);
