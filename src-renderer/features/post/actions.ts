/**
 * Every action on a post, described once: its label (and the label of its other half, for a
 * toggle), its icon and its key. The card's buttons, its menu and the keyboard all read this list.
 */
import type { LucideIcon } from 'lucide-react';
import {
  Bookmark,
  ExternalLink,
  Eye,
  Link,
  MessageSquareText,
  Pencil,
  Repeat2,
  Reply,
  Star,
  Trash2,
} from 'lucide-react';
import type { PostView } from '../../../src-shared/worker-api';
import { act, deletePost, startEdit, type ToggleAction } from './commands';

export interface PostActionContext {
  /** The post as it is now. */
  post: PostView;
  /** What the acting account has done with it; null when no signed-in account can act on it. */
  own: PostView['own'][number] | null;
  /** The person's account that wrote the post, when one did. */
  author: number | null;
  /** What only the card can do: open its reply form, show what a content warning hides. */
  card: { toggleReply(): void; toggleHidden(): void; hasHidden: boolean; openThread?(): void };
}

export interface PostAction {
  id: string;
  label: string;
  /** A toggle's label while it is on ("Favourited"). */
  activeLabel?: string;
  icon: LucideIcon;
  /** The key that does it on the post in focus. */
  key?: string;
  /** On the card's bar of buttons, in its menu, or from the keyboard alone. */
  place: 'bar' | 'menu' | 'keyboard';
  active?(context: PostActionContext): boolean;
  /** A number shown beside the button (replies, boosts, favourites). */
  count?(post: PostView): number;
  enabled(context: PostActionContext): boolean;
  perform(context: PostActionContext): void | Promise<void>;
}

function toggle(
  id: string,
  flag: 'favourited' | 'reblogged' | 'bookmarked',
  on: ToggleAction,
  off: ToggleAction,
  labels: [string, string],
  icon: LucideIcon,
  key: string,
  count?: (post: PostView) => number,
): PostAction {
  return {
    id,
    label: labels[0],
    activeLabel: labels[1],
    icon,
    key,
    place: 'bar',
    count,
    active: ({ own }) => own?.[flag] ?? false,
    enabled: ({ own, post }) => own !== null && !post.deleted,
    perform: ({ own, post }) => (own ? act(post, own[flag] ? off : on, own.accountId) : undefined),
  };
}

function linkOf(post: PostView): string {
  return post.url ?? post.uri;
}

export const POST_ACTIONS: readonly PostAction[] = [
  {
    id: 'reply',
    label: 'Reply',
    icon: Reply,
    key: 'r',
    place: 'bar',
    count: (post) => post.replies,
    enabled: ({ own, post }) => own !== null && !post.deleted,
    perform: ({ card }) => card.toggleReply(),
  },
  toggle('boost', 'reblogged', 'reblog', 'unreblog', ['Boost', 'Boosted'], Repeat2, 'b', (p) => p.reblogs),
  toggle(
    'favourite',
    'favourited',
    'favourite',
    'unfavourite',
    ['Favourite', 'Favourited'],
    Star,
    'f',
    (p) => p.favourites,
  ),
  toggle('bookmark', 'bookmarked', 'bookmark', 'unbookmark', ['Bookmark', 'Bookmarked'], Bookmark, 'm'),
  {
    id: 'thread',
    label: 'Open thread',
    icon: MessageSquareText,
    key: 'o',
    place: 'menu',
    enabled: ({ card }) => card.openThread !== undefined,
    perform: ({ card }) => card.openThread?.(),
  },
  {
    id: 'reveal',
    label: 'Show or hide what the content warning hides',
    icon: Eye,
    key: 'x',
    place: 'keyboard',
    enabled: ({ card }) => card.hasHidden,
    perform: ({ card }) => card.toggleHidden(),
  },
  {
    id: 'edit',
    label: 'Edit',
    icon: Pencil,
    place: 'menu',
    enabled: ({ author, post }) => author !== null && !post.deleted,
    perform: ({ author, post }) => (author !== null ? startEdit(post, author) : undefined),
  },
  {
    id: 'delete',
    label: 'Delete',
    icon: Trash2,
    place: 'menu',
    enabled: ({ author, post }) => author !== null && !post.deleted,
    perform: ({ author, post }) =>
      author !== null && window.confirm('Delete this post? It goes from your server and everyone’s timeline.')
        ? deletePost(post, author)
        : undefined,
  },
  {
    id: 'copy-link',
    label: 'Copy link',
    icon: Link,
    place: 'menu',
    enabled: () => typeof navigator.clipboard?.writeText === 'function',
    perform: ({ post }) => navigator.clipboard.writeText(linkOf(post)),
  },
  {
    id: 'open-original',
    label: 'Open in browser',
    icon: ExternalLink,
    place: 'menu',
    enabled: ({ post }) => /^https:\/\//i.test(linkOf(post)),
    perform: ({ post }) => void window.open(linkOf(post), '_blank', 'noopener,noreferrer'),
  },
];

/** The action a key does on a post, if any. */
export function actionForKey(key: string): PostAction | undefined {
  return POST_ACTIONS.find((a) => a.key === key);
}
