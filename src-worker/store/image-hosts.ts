/**
 * The hosts a picture may come from: those the stored posts' media, custom emoji and link cards and
 * the authors' avatars name (over https only). The screen's Content-Security-Policy allows images
 * from these hosts alone, so that no other address in a post (in its text, a link, a description)
 * can become a request.
 */
import type { Tx } from '../db/database';
import { EngineError } from '../errors';
import { PICTURE_HOST, httpsHost } from '../../src-shared/picture-hosts';

export { httpsHost };

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/** Adds the hosts of the pictures a status (as a server sends it) may show to `into`. */
export function collectStatusImageHosts(status: unknown, into: Set<string>): void {
  if (!isObject(status)) return;
  const add = (...urls: unknown[]) => {
    for (const url of urls) {
      const host = httpsHost(url);
      if (host) into.add(host);
    }
  };
  const emoji = (emojis: unknown) => {
    for (const e of list(emojis)) if (isObject(e)) add(e.url, e.static_url);
  };
  if (isObject(status.account)) {
    add(status.account.avatar);
    emoji(status.account.emojis);
  }
  for (const m of list(status.media_attachments)) if (isObject(m)) add(m.url, m.preview_url);
  emoji(status.emojis);
  if (isObject(status.card)) add(status.card.image);
  if (isObject(status.poll)) emoji(status.poll.emojis);
  collectStatusImageHosts(status.reblog, into);
  if (isObject(status.quote)) collectStatusImageHosts(status.quote.quoted_status, into);
}

/** Stores hosts not stored yet; how many were new. */
export async function recordImageHosts(tx: Tx, hosts: Iterable<string>, now: number): Promise<number> {
  let added = 0;
  for (const host of new Set(hosts)) {
    const result = await tx.run(
      'INSERT INTO image_hosts (host, first_seen) VALUES (?, ?) ON CONFLICT (host) DO NOTHING',
      [host, now],
    );
    added += result.changes;
  }
  return added;
}

/** Every known picture host, in name order. */
export async function imageHosts(tx: Tx): Promise<string[]> {
  const rows = await tx.all<{ host: string }>('SELECT host FROM image_hosts ORDER BY host');
  return rows.map((r) => r.host);
}

/**
 * Hosts the screen met in a picture address it was given (a profile's header fetched from its
 * server, say): checked as host names, then stored like the others.
 */
export async function addImageHosts(tx: Tx, hosts: readonly string[], now: number): Promise<number> {
  for (const host of hosts) {
    if (!PICTURE_HOST.test(host))
      throw new EngineError('invalid_input', `Not a host name: ${JSON.stringify(host)}`);
  }
  return recordImageHosts(tx, hosts, now);
}
