/**
 * The kept first page's text (kept-page.ts): small, as the worker reads it before anything else
 * is loaded. `KEPT_PAGE_FORMAT` names the shape of what it holds (`TimelinePage` and the types
 * it is made of, src-shared/worker-api.ts): a kept page of another format is not used, and the
 * page then comes from the database, as it would without one. kept-page.test.ts fails when that
 * shape changes and the format does not.
 */
import type { TimelinePage } from '../src-shared/worker-api';

export const KEPT_PAGE_FORMAT = 1;

/**
 * Where the web worker keeps it in OPFS: a folder of its own, as the database's folder belongs to
 * its pool of files, which takes every file in it for its own.
 */
export const KEPT_PAGE_DIRECTORY = 'corgi-first-page';
export const KEPT_PAGE_FILE = 'page.json';

export interface KeptPage {
  format: number;
  /** What `images.hosts()` answers. */
  hosts: string[];
  /** What `timeline.page({ order: 'ranked', limit: FIRST_PAGE_SIZE })` answers. */
  page: TimelinePage;
}

/** The page and hosts in a kept text, or null when it is not one of this format. */
export function parseKeptPage(text: string): { hosts: string[]; page: TimelinePage } | null {
  let kept: Partial<KeptPage> | null;
  try {
    kept = JSON.parse(text) as Partial<KeptPage> | null;
  } catch {
    return null;
  }
  if (
    typeof kept !== 'object' ||
    kept === null ||
    kept.format !== KEPT_PAGE_FORMAT ||
    !Array.isArray(kept.hosts) ||
    !kept.hosts.every((host) => typeof host === 'string') ||
    typeof kept.page !== 'object' ||
    kept.page === null ||
    !Array.isArray(kept.page.posts) ||
    kept.page.posts.length === 0 ||
    !(typeof kept.page.nextCursor === 'string' || kept.page.nextCursor === null)
  )
    return null;
  return { hosts: kept.hosts, page: kept.page };
}
