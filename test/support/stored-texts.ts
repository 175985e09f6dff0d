/** A stored post's texts as text, however the database holds them. */
import type { Tx } from '../../src-worker/db/database';
import { htmlToText } from '../../src-worker/ingest/html-text';
import { storedText } from '../../src-worker/store/packed-text';

export interface StoredTexts {
  html: string;
  text: string;
  raw: string;
  /** Bytes the row holds for its HTML and raw JSON. */
  bytes: number;
}

export async function storedTexts(tx: Pick<Tx, 'get'>, uri: string): Promise<StoredTexts | undefined> {
  const row = await tx.get<{
    content_html: string;
    content_text: string;
    content_packed: Uint8Array | null;
    raw_json: string;
    raw_packed: Uint8Array | null;
  }>('SELECT content_html, content_text, content_packed, raw_json, raw_packed FROM statuses WHERE uri = ?', [
    uri,
  ]);
  if (!row) return undefined;
  const html = storedText(row.content_packed, row.content_html);
  return {
    html,
    text: row.content_text || htmlToText(html),
    raw: storedText(row.raw_packed, row.raw_json),
    bytes:
      (row.content_packed?.length ?? 0) +
      (row.raw_packed?.length ?? 0) +
      new TextEncoder().encode(row.content_html + row.content_text + row.raw_json).length,
  };
}
