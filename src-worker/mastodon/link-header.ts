/**
 * Reads an HTTP Link header (`<url>; rel="next", <url>; rel="prev"`) into rel → URL, leniently:
 * unquoted or several space-separated rels, extra parameters, stray whitespace and commas inside
 * the URL are all accepted; anything unreadable is skipped.
 */
export function parseLinkHeader(header: string | null | undefined): Map<string, string> {
  const links = new Map<string, string>();
  if (!header) return links;
  const pattern = /<([^>]*)>([^<]*)/g;
  for (let match = pattern.exec(header); match; match = pattern.exec(header)) {
    const url = match[1]!.trim();
    const rel = /;\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,]+))/i.exec(match[2]!);
    const names = (rel?.[1] ?? rel?.[2] ?? '').split(/\s+/).filter(Boolean);
    for (const name of names) if (!links.has(name.toLowerCase())) links.set(name.toLowerCase(), url);
  }
  return links;
}
