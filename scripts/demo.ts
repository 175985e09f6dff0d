/**
 * `npm run demo`: Corgi's web edition signed in to a simulated fediverse, with no network and
 * nothing else installed. Starts the Mastodon simulator (a seeded world of thousands of accounts,
 * a week of posts, and a demo person with a full home feed, favourites and bookmarks; new posts keep
 * arriving), the web edition's development server, and prints the address to open. The simulator
 * takes the demo person as logged in, so opening the address signs in and starts syncing.
 *
 * Options: --port N (web edition, default 5173), --seed N (the world, default 1), --flavour NAME
 * (the kind of server: mastodon, mastodon-4.2, gotosocial or akkoma; default mastodon).
 */
import { parseArgs } from 'node:util';
import { createServer } from 'vite';
import { systemClock } from '../src-worker/mastodon/clock';
import { FLAVOUR_NAMES, flavourNamed } from '../test/simulator/flavours';
import { MASTODON_LIMITS } from '../test/simulator/rate-limits';
import { startSimulator } from '../test/simulator/server';
import { World } from '../test/simulator/world';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '5173' },
    seed: { type: 'string', default: '1' },
    flavour: { type: 'string', default: 'mastodon' },
  },
});
let flavour;
try {
  flavour = flavourNamed(values.flavour);
} catch (error) {
  console.error((error as Error).message);
  process.exit(2);
}

console.log('Generating a fediverse…');
const world = new World({
  clock: systemClock,
  seed: Number(values.seed),
  users: [{ username: 'demo', password: 'demo', follows: 200, favourites: 300, bookmarks: 40 }],
});
// Mastodon's throttles even for a flavour that has tighter ones: the demo is for looking around.
const simulator = await startSimulator({
  world,
  clock: systemClock,
  autoApprove: 'demo',
  flavour,
  limits: MASTODON_LIMITS,
});
const demo = world.userByName('demo')!;
const followed = [...demo.follows];

// The people the demo account follows keep posting, now and then boosting each other.
const ticker = setInterval(() => {
  const author = followed[Math.floor(Math.random() * followed.length)]!;
  if (Math.random() < 0.2) {
    const candidates = demo.home.slice(0, 200).filter((id) => !world.statuses.get(id)!.reblogOf);
    world.publish(author, { reblogOf: candidates[Math.floor(Math.random() * candidates.length)] });
  } else world.publish(author);
}, 4000);

const web = await createServer({
  configFile: 'vite.web.config.ts',
  server: { host: '127.0.0.1', port: Number(values.port), strictPort: true },
});
await web.listen();
const address = `http://127.0.0.1:${values.port}/?server=${encodeURIComponent(simulator.url)}&signin=auto`;
const differences = flavour.differences.map((d) => `  - ${d.what}: ${d.how}`).join('\n');
console.log(`
Mastodon simulator as ${flavour.title} (--flavour ${flavour.name}; also ${FLAVOUR_NAMES.filter((n) => n !== flavour.name).join(', ')}):
  ${simulator.url} (streaming ${simulator.streamingUrl}), ${world.accounts.size} accounts, ${world.statuses.size} posts;
  the demo account is @demo (password "demo").${differences ? `\nHow it differs from Mastodon 4.5:\n${differences}` : ''}

Open Corgi: ${address}

Press Ctrl+C to stop.`);

async function stop() {
  clearInterval(ticker);
  await web.close();
  await simulator.close();
  process.exit(0);
}
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
