/**
 * What a picture's host is, for the worker that keeps the hosts and the screen that allows them:
 * the host of an https address (lower case, a port only when not the default), nothing else.
 */

/** The WHATWG URL parser, which every place this runs (the page, the worker, Node) has. */
declare const URL: new (input: string) => { protocol: string; host: string };

/** A host name as a URL gives it. */
export const PICTURE_HOST =
  /^(?=.{1,253}(?::\d{1,5})?$)[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*(?::\d{1,5})?$/;

/** The host of an https address, or null for anything else. */
export function httpsHost(value: unknown): string | null {
  if (typeof value !== 'string' || value.length > 2048 || !/^https:\/\//i.test(value)) return null;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' && PICTURE_HOST.test(url.host) ? url.host : null;
  } catch {
    return null;
  }
}
