/**
 * The kinds of server the simulator can be: `startSimulator({ flavour: FLAVOURS.gotosocial })`,
 * `npm run demo -- --flavour gotosocial`.
 */
import { akkoma } from './akkoma';
import type { Flavour, FlavourName } from './flavour';
import { gotosocial } from './gotosocial';
import { mastodon } from './mastodon';
import { mastodon42 } from './mastodon-4-2';
import { pleroma } from './pleroma';

export type { Difference, Flavour, FlavourName } from './flavour';

export const FLAVOURS: Record<FlavourName, Flavour> = {
  mastodon,
  'mastodon-4.2': mastodon42,
  gotosocial,
  akkoma,
  pleroma,
};

export const FLAVOUR_NAMES = Object.keys(FLAVOURS) as FlavourName[];

export function flavourNamed(name: string): Flavour {
  const flavour = FLAVOURS[name as FlavourName];
  if (!flavour) throw new Error(`No simulator flavour "${name}"; there are: ${FLAVOUR_NAMES.join(', ')}.`);
  return flavour;
}
