import type { ExportBundle } from '../../../src-shared/worker-api';
import { desktopHost } from '../../host';

function download(name: string, data: BlobPart, type: string): void {
  const url = URL.createObjectURL(new Blob([data], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Saves both export files: through the desktop's save dialog, or as two browser downloads. */
export async function saveExport(bundle: ExportBundle): Promise<string | null> {
  const files = [
    { name: `${bundle.fileName}.json`, bytes: new TextEncoder().encode(bundle.json) },
    { name: `${bundle.fileName}.sqlite`, bytes: bundle.sqlite },
  ];
  const host = desktopHost();
  if (host) return host.saveFiles(bundle.fileName, files);
  download(files[0]!.name, bundle.json, 'application/json');
  download(files[1]!.name, new Uint8Array(bundle.sqlite), 'application/vnd.sqlite3');
  return 'your downloads folder';
}
