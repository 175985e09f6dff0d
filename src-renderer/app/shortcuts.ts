/**
 * Keys that work anywhere (outside a text field). Keys that act on a post are in the post actions'
 * registry (features/post/actions.ts); both lists make the "?" sheet.
 */
export interface GlobalShortcut {
  keys: string;
  label: string;
}

export const GLOBAL_SHORTCUTS: readonly GlobalShortcut[] = [
  { keys: 'j', label: 'Next post' },
  { keys: 'k', label: 'Previous post' },
  { keys: 'n', label: 'New post' },
  { keys: '/', label: 'Search' },
  { keys: 'g h', label: 'Go to the home timeline' },
  { keys: 'g n', label: 'Go to notifications' },
  { keys: 'g b', label: 'Go to bookmarks' },
  { keys: 'g f', label: 'Go to favourites' },
  { keys: 'g s', label: 'Go to settings' },
  { keys: '?', label: 'Show the keyboard shortcuts' },
];

export function isTyping(target: EventTarget | null): boolean {
  const element = target as HTMLElement | null;
  if (!element || !element.tagName) return false;
  return element.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(element.tagName);
}
