/**
 * The bench:ui page, served from the app's own origin (a folder beside the built app), so that
 * what it leaves is what the app finds when it opens: the database imported into the app's OPFS
 * pool (by bench/scale-page's worker), the first page the app keeps beside it for its next start,
 * and the account's token and app registration in the web edition's vault (the app's own WebVault). It also draws the pictures the benchmark serves for
 * every https image the app asks for.
 */
import type { AppRegistration } from '../../src-worker/mastodon/oauth';
import { WebVault } from '../../src-worker/mastodon/web-vault';
import { KEPT_PAGE_DIRECTORY, KEPT_PAGE_FILE } from '../../src-worker/kept-page-format';
import { runWorker } from '../scale-page/run-worker';
import type { ImportRequest, ImportResult } from '../scale-page/worker';

export interface PrepareRequest {
  import: ImportRequest;
  accountId: number;
  token: string;
  app: AppRegistration;
  /** The first page the app keeps beside its database for its next start (or none). */
  keptPage: string | null;
}

declare global {
  interface Window {
    uiPrepare(request: PrepareRequest): Promise<ImportResult>;
    /** JPEG pictures, base64: a photo-sized one and an avatar-sized one. */
    uiPictures(): Promise<{ photo: string; avatar: string }>;
  }
}

window.uiPrepare = async (request) => {
  const imported = await runWorker(request.import);
  const vault = await WebVault.open();
  await vault.setApp(request.app);
  await vault.setToken(request.accountId, request.token);
  if (request.keptPage !== null) {
    const root = await navigator.storage.getDirectory();
    const dir = await root.getDirectoryHandle(KEPT_PAGE_DIRECTORY, { create: true });
    const writable = await (await dir.getFileHandle(KEPT_PAGE_FILE, { create: true })).createWritable();
    await writable.write(request.keptPage);
    await writable.close();
  }
  return imported;
};

/** A picture with something of a photo's detail in it (smooth colour and noise), as JPEG. */
async function picture(width: number, height: number, seed: number): Promise<string> {
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d')!;
  const gradient = context.createLinearGradient(0, 0, width, height);
  gradient.addColorStop(0, `hsl(${seed % 360} 60% 45%)`);
  gradient.addColorStop(1, `hsl(${(seed + 140) % 360} 50% 65%)`);
  context.fillStyle = gradient;
  context.fillRect(0, 0, width, height);
  const image = context.getImageData(0, 0, width, height);
  let state = seed;
  for (let i = 0; i < image.data.length; i += 4) {
    state = (state * 1103515245 + 12345) >>> 0;
    const noise = ((state >>> 24) & 63) - 32;
    for (let c = 0; c < 3; c++) image.data[i + c] = Math.max(0, Math.min(255, image.data[i + c]! + noise));
  }
  context.putImageData(image, 0, 0);
  const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.8 });
  const bytes = new Uint8Array(await blob.arrayBuffer());
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

window.uiPictures = async () => ({
  photo: await picture(640, 480, 30),
  avatar: await picture(400, 400, 200),
});
