import type { Migration } from '../migrate';

/**
 * The hosts the stored posts' pictures come from (`store/image-hosts.ts`), for the screen's
 * Content-Security-Policy. Filled from what is stored already: the authors' and accounts' avatars
 * and the posts' media (the rest is added as posts are stored and shown).
 */
export const migration019: Migration = {
  version: 19,
  name: 'image-hosts',
  sql: `
CREATE TABLE image_hosts (
  host TEXT PRIMARY KEY,
  first_seen INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

INSERT INTO image_hosts (host, first_seen)
SELECT DISTINCT host, 0 FROM (
  SELECT lower(substr(rest, 1, instr(rest || '/', '/') - 1)) AS host FROM (
    SELECT substr(url, 9) AS rest FROM (
      SELECT avatar_url AS url FROM authors
      UNION SELECT avatar_url FROM accounts
      UNION SELECT m.value ->> '$.url' FROM statuses s, json_each(s.media) m WHERE s.media <> '[]'
      UNION SELECT m.value ->> '$.previewUrl' FROM statuses s, json_each(s.media) m WHERE s.media <> '[]'
    ) WHERE url LIKE 'https://_%'
  )
)
-- Host names only: no user, query or fragment, nothing but letters, digits, dots, dashes and a port.
WHERE host GLOB '[a-z0-9]*' AND host NOT GLOB '*[^a-z0-9.:-]*'
ON CONFLICT (host) DO NOTHING;
`,
};
