/**
 * What a server is and what it offers, from its instance document: the software and its version
 * (Mastodon's own version string, or the "2.7.2 (compatible; Akkoma 3.13.2)" form other servers
 * use), the Mastodon API version it claims, where it streams, and which optional features to
 * expect. What the document does not say is learnt by asking: an optional endpoint that answers
 * 404, 405, 410 or 501 switches its feature off (see `account-runner.ts`).
 */
import { instanceSchema, parseLeniently, type MastodonInstance } from '../../src-shared/mastodon/entities';
import type { ServerFeature, ServerInfo } from '../../src-shared/worker-api';
import { MastodonError, type MastodonHttp } from './http';

export interface ServerVersion {
  /** Lower case: "mastodon", "gotosocial", "akkoma", "pleroma", "iceshrimp", "pixelfed"… */
  software: string;
  /** The software's own version, when it says. */
  softwareVersion: string | null;
  /** The Mastodon version whose API it claims ("4.5.0"); for Mastodon, its own. */
  mastodonVersion: string | null;
  /** Whether the version string or source named the software (else it is taken for Mastodon). */
  named: boolean;
}

/** Software named by its repository when the version string does not say. */
const SOURCE_NAMES = [
  'gotosocial',
  'akkoma',
  'pleroma',
  'iceshrimp',
  'sharkey',
  'misskey',
  'firefish',
  'friendica',
  'pixelfed',
  'hollo',
  'takahe',
  'mitra',
  'snac',
  'bookwyrm',
  'glitch-soc',
  'hometown',
];

/**
 * Reads the `version` of an instance document:
 * - "4.5.0", "4.3.0-beta.2", "4.2.10+glitch" → Mastodon (forks keep the name: their API is Mastodon's);
 * - "2.7.2 (compatible; Akkoma 3.13.2)", "3.5.3 (compatible; Pixelfed 0.12.4)",
 *   "4.2.1 (compatible; Iceshrimp.NET/2024.1)", "3.0.0 (compatible; Sharkey 2024.3.3; like Akkoma)"
 *   → that software, claiming that Mastodon version;
 * - anything else ("0.17.3+git-abc", GoToSocial's) → the software its `source_url` names, or
 *   unnamed (NodeInfo is asked).
 */
export function parseServerVersion(version: string, sourceUrl?: string | null): ServerVersion {
  const compatible = /^\s*v?(\d+\.\d+(?:\.\d+)?[^\s(]*)\s*\(compatible;\s*([^;)]+)[;)]/i.exec(version);
  if (compatible) {
    const [, claimed, named] = compatible;
    const parts = /^([A-Za-z][\w.-]*?)(?:[\s/]+v?(\S+))?\s*$/.exec(named!.trim());
    const software = (parts?.[1] ?? named!.trim()).toLowerCase().replace(/\.net$/, '');
    return { software, softwareVersion: parts?.[2] ?? null, mastodonVersion: claimed!, named: true };
  }
  const fromSource = SOURCE_NAMES.find((name) => sourceUrl?.toLowerCase().includes(name));
  const plain = /^\s*v?(\d+\.\d+(?:\.\d+)?\S*)/.exec(version)?.[1] ?? null;
  if (fromSource === 'glitch-soc' || fromSource === 'hometown' || sourceUrl?.includes('/mastodon'))
    return { software: 'mastodon', softwareVersion: plain, mastodonVersion: plain, named: true };
  if (fromSource) return { software: fromSource, softwareVersion: plain, mastodonVersion: null, named: true };
  return { software: 'mastodon', softwareVersion: plain, mastodonVersion: plain, named: false };
}

/** [major, minor] of a version string, or null. */
function majorMinor(version: string | null): [number, number] | null {
  const match = /^(\d+)\.(\d+)/.exec(version ?? '');
  return match ? [Number(match[1]), Number(match[2])] : null;
}

function atLeast(version: string | null, major: number, minor: number): boolean {
  const v = majorMinor(version);
  return v !== null && (v[0] > major || (v[0] === major && v[1] >= minor));
}

export interface InstanceReading {
  info: ServerInfo;
  /** The document as received, for the record. */
  raw: unknown;
  /** Features the document settles, on or off, with why. */
  features: Partial<Record<ServerFeature, { available: boolean; reason: string }>>;
  /** Fields of the document that could not be read, for the server's diagnostics. */
  dropped: ReadonlyMap<string, number>;
}

/**
 * What the instance document says of each feature it settles. Features it does not settle are
 * found out by their endpoints (on until one answers that it does not exist).
 */
export function readInstance(
  instance: MastodonInstance,
  raw: unknown,
  documentVersion: 1 | 2,
  origin: string,
  software?: { name: string; version: string | null },
): InstanceReading {
  let version = parseServerVersion(instance.version, instance.source_url);
  // NodeInfo names the software where the version string does not (Hollo says "0.10.0"); where
  // neither does, nothing is taken for Mastodon's behaviour.
  if (!version.named)
    version =
      software?.name === 'mastodon'
        ? { ...version, named: true }
        : software
          ? { software: software.name, softwareVersion: software.version, mastodonVersion: null, named: true }
          : { ...version, software: 'unknown' };
  const apiVersion = instance.api_versions?.mastodon ?? null;
  const streaming = instance.configuration?.urls?.streaming ?? instance.urls?.streaming_api ?? null;
  const maxCharacters = instance.configuration?.statuses?.max_characters ?? instance.max_toot_chars ?? null;
  const pleromaFeatures = new Set(instance.pleroma?.metadata?.features ?? []);
  const mastodon = version.software === 'mastodon';
  const features: InstanceReading['features'] = {};
  const said = (feature: ServerFeature, available: boolean, reason: string) => {
    features[feature] = { available, reason };
  };

  said(
    'streaming',
    streaming !== null,
    streaming !== null ? `streams at ${streaming}` : 'the instance document names no streaming server',
  );
  // Grouped notifications came with API version 2 (Mastodon 4.3); other servers have not built them.
  const grouped = (apiVersion ?? 0) >= 2;
  said(
    'grouped_notifications',
    grouped,
    grouped
      ? `API version ${apiVersion}`
      : 'the server does not announce grouped notifications (Mastodon 4.3, API version 2)',
  );
  // Quote posts: Mastodon 4.4 (API version 5); Akkoma and Pleroma announce "quote_posting".
  const quotes = (apiVersion ?? 0) >= 5 || pleromaFeatures.has('quote_posting');
  said(
    'quotes',
    quotes,
    quotes
      ? 'announced by the server'
      : 'the server does not announce quote posts (Mastodon 4.4, API version 5)',
  );
  const translation = instance.configuration?.translation?.enabled === true;
  said(
    'translation',
    translation,
    translation ? 'announced by the server' : 'the server does not announce translation',
  );
  // Edits: Mastodon 3.5; Pleroma and Akkoma announce "editing"; GoToSocial has them since 0.16.
  // Other servers: found out from the history endpoint when it is first asked for.
  if (mastodon)
    said('edit_history', atLeast(version.mastodonVersion, 3, 5), `Mastodon ${version.mastodonVersion}`);
  else if (pleromaFeatures.size > 0)
    said(
      'edit_history',
      pleromaFeatures.has('editing'),
      pleromaFeatures.has('editing') ? 'announced by the server' : 'the server does not announce post edits',
    );
  else if (version.software === 'gotosocial')
    said('edit_history', atLeast(version.softwareVersion, 0, 16), `GoToSocial ${version.softwareVersion}`);

  return {
    dropped: new Map(),
    info: {
      software: version.software,
      softwareVersion: version.softwareVersion,
      mastodonVersion: version.mastodonVersion,
      apiVersion,
      documentVersion,
      streamingUrl: streaming ? absolute(streaming, origin) : null,
      maxCharacters,
      title: instance.title,
    },
    raw,
    features,
  };
}

/**
 * The streaming address in full. A server on https that names a plain ws:// or http:// one gets
 * the secure scheme: the token must not cross the network in the clear.
 */
function absolute(url: string, origin: string): string | null {
  try {
    const full = new URL(url, origin);
    if (new URL(origin).protocol === 'https:' && (full.protocol === 'ws:' || full.protocol === 'http:'))
      full.protocol = 'wss:';
    return full.href.replace(/\/+$/, '');
  } catch {
    return null;
  }
}

/** Statuses an optional endpoint answers with when the server does not have it. */
export const MISSING_STATUSES = new Set([404, 405, 410, 501]);

export function isMissingEndpoint(error: unknown): error is MastodonError {
  return error instanceof MastodonError && error.status !== null && MISSING_STATUSES.has(error.status);
}

/**
 * `GET /api/v2/instance`, or `/api/v1/instance` where v2 fails in any way (missing, an error, a
 * document that says nothing usable); and NodeInfo where the version does not name the software.
 */
export async function fetchInstance(http: MastodonHttp, signal?: AbortSignal): Promise<InstanceReading> {
  let document: {
    instance: MastodonInstance;
    raw: unknown;
    version: 1 | 2;
    dropped: ReadonlyMap<string, number>;
  } | null = null;
  let v2Problem: unknown = null;
  try {
    const response = await http.request({ path: '/api/v2/instance', signal, maxRetries: 1 });
    const parsed = parseLeniently(instanceSchema, response.body);
    if (parsed.success && isObject(response.body) && (parsed.data.domain || parsed.data.version))
      document = { instance: parsed.data, raw: response.body, version: 2, dropped: parsed.dropped };
    else v2Problem = new MastodonError('malformed', 'the v2 instance document says nothing usable');
  } catch (error) {
    if (error instanceof MastodonError && (error.kind === 'unauthorized' || error.kind === 'network'))
      throw error;
    v2Problem = error;
  }
  if (!document) {
    const response = await http.request({ path: '/api/v1/instance', signal });
    const parsed = parseLeniently(instanceSchema, response.body);
    if (!parsed.success || !isObject(response.body))
      throw new MastodonError(
        'malformed',
        `Neither instance document could be read (${(v2Problem as Error).message}).`,
      );
    document = { instance: parsed.data, raw: response.body, version: 1, dropped: parsed.dropped };
  }
  const named = parseServerVersion(document.instance.version, document.instance.source_url).named;
  const software = named ? undefined : await nodeInfoSoftware(http, signal);
  const reading = readInstance(document.instance, document.raw, document.version, http.baseUrl, software);
  return { ...reading, dropped: document.dropped };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** NodeInfo's `software` (every ActivityPub server publishes it); undefined when it cannot be read. */
async function nodeInfoSoftware(
  http: MastodonHttp,
  signal?: AbortSignal,
): Promise<{ name: string; version: string | null } | undefined> {
  try {
    const index = await http.request<{ links?: { rel?: unknown; href?: unknown }[] }>({
      path: '/.well-known/nodeinfo',
      signal,
      maxRetries: 1,
    });
    const links = Array.isArray(index.body?.links) ? index.body.links : [];
    const href = links
      .filter(
        (l) => typeof l.rel === 'string' && l.rel.startsWith('http://nodeinfo.diaspora.software/ns/schema/'),
      )
      .map((l) => l.href)
      .filter((h): h is string => typeof h === 'string')
      .sort()
      .pop();
    if (!href) return undefined;
    const info = await http.request<{ software?: { name?: unknown; version?: unknown } }>({
      path: href,
      signal,
      maxRetries: 1,
    });
    const name = info.body?.software?.name;
    if (typeof name !== 'string' || name === '') return undefined;
    const version = info.body?.software?.version;
    return { name: name.toLowerCase(), version: typeof version === 'string' ? version : null };
  } catch {
    return undefined;
  }
}
